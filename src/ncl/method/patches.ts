// Patch sampling (docs/method.md §3): which patches of a batch enter the contrastive loss.
//
// At most `maxPatches` per batch. Contour patches come first: all of them are kept, up to
// `contourCap` (the boundary is where localisation is decided, §1). Authentic and tampered
// patches share the rest of the budget equally; a kind with fewer patches than its share keeps
// all of them and leaves the remainder to the other. Within a kind the patches are drawn without
// replacement by the run's seeded generator; the sampled rows are returned in increasing order,
// as a RowIndex for gatherRows, whose backward scatters the gradient back deterministically.
import type { Rng } from '../../common/rng.ts';
import { RowIndex } from '../../autograd/ops/gather.ts';
import { DEFAULT_NCL_OPTIONS } from './options.ts';
import { PATCH_AUTHENTIC, PATCH_CONTOUR, PATCH_TAMPERED } from './patch-pool.ts';

export interface PatchSampleOptions {
  /** Budget per batch (default: DEFAULT_NCL_OPTIONS.maxPatches). */
  maxPatches?: number;
  /** Most contour patches kept (default half the budget). */
  contourCap?: number;
}

export interface PatchSample {
  /** Sampled patch rows, increasing. */
  rows: Int32Array;
  /** The kind of each sampled row. */
  kinds: Uint8Array;
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
  const [authentic, tampered, contour] = byKind as [number[], number[], number[]];
  const contourTaken = Math.min(contour.length, contourCap, maxPatches);
  const rest = maxPatches - contourTaken;
  const [fewer, more] = authentic.length <= tampered.length ? [authentic, tampered] : [tampered, authentic];
  const fewerTaken = Math.min(fewer.length, Math.floor(rest / 2));
  const moreTaken = Math.min(more.length, rest - fewerTaken);
  const rows = Int32Array.from([...draw(contour, contourTaken, rng), ...draw(fewer, fewerTaken, rng), ...draw(more, moreTaken, rng)]).sort();
  return { rows, kinds: Uint8Array.from(rows, (r) => kinds[r]!), index: new RowIndex(rows, kinds.length) };
}
