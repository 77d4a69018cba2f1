// Patch sampling (docs/method.md §3): which patches of a batch enter the contrastive loss, and the
// weight of each as an anchor.
//
// At most `maxPatches` per batch, drawn by one of two balances (options.ts, AnchorBalance):
// - `weight`: contour patches come first: all of them are kept, up to `contourCap` (the boundary
//   is where localisation is decided, §1). Authentic and tampered patches share the rest of the
//   budget equally; a kind with fewer patches than its share keeps all of them and leaves the
//   remainder to the other.
// - `sample`: every kind in use gets the same count: as many as the scarcest kind present has, at
//   most an equal share of the budget.
// `contourCap` 0 leaves contour patches out (the `drop` mode spends no budget on them). Within a
// kind the patches are drawn without replacement by the run's seeded generator; the sampled rows
// are returned in increasing order, as a RowIndex for gatherRows, whose backward scatters the
// gradient back deterministically. Each sampled patch weighs a_i = 1/(sampled patches of its
// kind) as an anchor, so every kind present carries the same total weight (§3, (3.3)).
import type { Rng } from '../../common/rng.ts';
import { RowIndex } from '../../autograd/ops/gather.ts';
import { DEFAULT_NCL_OPTIONS, type AnchorBalance } from './options.ts';
import { PATCH_AUTHENTIC, PATCH_CONTOUR, PATCH_TAMPERED } from './patch-labels.ts';
import { minOf } from '../../common/extent.ts';

export interface PatchSampleOptions {
  /** Budget per batch (default: DEFAULT_NCL_OPTIONS.maxPatches). */
  maxPatches?: number;
  /** Most contour patches kept (default half the budget; 0 leaves them out). */
  contourCap?: number;
  /** How the kinds are balanced (default: DEFAULT_NCL_OPTIONS.anchorBalance). */
  balance?: AnchorBalance;
}

export interface PatchSample {
  /** Sampled patch rows, increasing. */
  rows: Int32Array;
  /** The kind of each sampled row. */
  kinds: Uint8Array;
  /** a_i of each sampled row: 1/(sampled rows of its kind). */
  anchorWeights: Float32Array;
  /** rows on the device, for gatherRows; dispose it after the backward pass. */
  index: RowIndex;
}

/** The first `count` of `rows` after a seeded shuffle (all of them, unshuffled, if they fit). */
function draw(rows: number[], count: number, rng: Rng): number[] {
  return count >= rows.length ? rows : rng.shuffle([...rows]).slice(0, count);
}

/** Samples patches from their kinds (PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR per row). */
export function samplePatches(kinds: ArrayLike<number>, rng: Rng, options: PatchSampleOptions = {}): PatchSample {
  const maxPatches = options.maxPatches ?? DEFAULT_NCL_OPTIONS.maxPatches;
  const contourCap = options.contourCap ?? Math.floor(maxPatches / 2);
  if (!Number.isInteger(maxPatches) || maxPatches < 0) throw new Error(`patch sampling: maxPatches must be a non-negative integer, got ${maxPatches}`);
  if (!Number.isInteger(contourCap) || contourCap < 0) throw new Error(`patch sampling: contourCap must be a non-negative integer, got ${contourCap}`);
  const byKind: number[][] = [[], [], []];
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i]!;
    if (k !== PATCH_AUTHENTIC && k !== PATCH_TAMPERED && k !== PATCH_CONTOUR) throw new Error(`patch sampling: row ${i} has kind ${k}`);
    byKind[k]!.push(i);
  }
  const counts = (options.balance ?? DEFAULT_NCL_OPTIONS.anchorBalance) === 'sample' ? equalCounts(byKind, maxPatches, contourCap) : budgetCounts(byKind, maxPatches, contourCap);
  // Contour first, then the fewer of authentic and tampered: the order in which the generator draws.
  const order = byKind[PATCH_AUTHENTIC]!.length <= byKind[PATCH_TAMPERED]!.length ? [PATCH_CONTOUR, PATCH_AUTHENTIC, PATCH_TAMPERED] : [PATCH_CONTOUR, PATCH_TAMPERED, PATCH_AUTHENTIC];
  const rows = Int32Array.from(order.flatMap((k) => draw(byKind[k]!, counts[k]!, rng))).sort();
  const sampledKinds = Uint8Array.from(rows, (r) => kinds[r]!);
  const perKind = [0, 0, 0];
  for (const k of sampledKinds) perKind[k]!++;
  return { rows, kinds: sampledKinds, anchorWeights: Float32Array.from(sampledKinds, (k) => 1 / perKind[k]!), index: new RowIndex(rows, kinds.length) };
}

/** Patches per kind (authentic, tampered, contour) under the `weight` balance. */
function budgetCounts([authentic, tampered, contour]: number[][], maxPatches: number, contourCap: number): number[] {
  const contourTaken = Math.min(contour!.length, contourCap, maxPatches);
  const rest = maxPatches - contourTaken;
  const fewer = Math.min(authentic!.length, tampered!.length);
  const fewerTaken = Math.min(fewer, Math.floor(rest / 2));
  const moreTaken = Math.min(Math.max(authentic!.length, tampered!.length), rest - fewerTaken);
  return authentic!.length <= tampered!.length ? [fewerTaken, moreTaken, contourTaken] : [moreTaken, fewerTaken, contourTaken];
}

/** Patches per kind under the `sample` balance: the same count for every kind in use and present. */
function equalCounts(byKind: number[][], maxPatches: number, contourCap: number): number[] {
  const inUse = [PATCH_AUTHENTIC, PATCH_TAMPERED, ...(contourCap > 0 ? [PATCH_CONTOUR] : [])].filter((k) => byKind[k]!.length > 0);
  if (inUse.length === 0) return [0, 0, 0];
  const each = minOf([Math.floor(maxPatches / inUse.length), ...inUse.map((k) => byKind[k]!.length), ...(contourCap > 0 && inUse.includes(PATCH_CONTOUR) ? [contourCap] : [])]);
  return [0, 1, 2].map((k) => (inUse.includes(k) ? each : 0));
}
