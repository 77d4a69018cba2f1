// Which patches enter the contrastive loss (ncl-method.md §3, ours): all of them when there are at
// most `maxPatches`; otherwise a budget of maxPatches shared equally by the three kinds, a kind with
// fewer patches than its share keeping all of them (so every contour patch is kept up to its share)
// and passing what it leaves to the others. Each kind's subset is drawn with the given generator.
import type { Rng } from '../data/rng.ts';
import { PatchKind } from './roles.ts';

const KINDS = [PatchKind.Authentic, PatchKind.Tampered, PatchKind.Contour];

/** Quotas per kind: equal shares of the budget, filled in order of availability (water-filling). */
export function kindQuotas(available: readonly number[], budget: number): number[] {
  const quota = available.map(() => 0);
  let left = budget;
  const order = available.map((_, k) => k).sort((a, b) => available[a]! - available[b]!);
  order.forEach((k, i) => {
    quota[k] = Math.min(available[k]!, Math.floor(left / (order.length - i)));
    left -= quota[k]!;
  });
  return quota;
}

/** Indices of the patches kept, in increasing order. */
export function samplePatches(kinds: ArrayLike<PatchKind>, maxPatches: number, rng: Rng): Int32Array {
  if (kinds.length <= maxPatches) return Int32Array.from({ length: kinds.length }, (_, i) => i);
  const byKind = KINDS.map((k) => {
    const rows: number[] = [];
    for (let i = 0; i < kinds.length; i++) if (kinds[i] === k) rows.push(i);
    return rows;
  });
  const quotas = kindQuotas(byKind.map((rows) => rows.length), maxPatches);
  const kept = byKind.flatMap((rows, k) => rng.shuffle(rows).slice(0, quotas[k]));
  return Int32Array.from(kept.sort((a, b) => a - b));
}
