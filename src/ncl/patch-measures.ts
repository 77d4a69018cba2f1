// Per-image measures of a projection head (docs/method.md §5, "Reading L_con"): does the head tell
// the tampered patches of one image from its authentic ones? Pooled separation (diagnostics/separation.ts)
// mixes images and so rewards one global "tampered" direction; these look within each image.
//
//   - patch AUROC: each patch of the image scored by 1 − cos(z_i, m), m the mean of the image's
//     authentic patch embeddings (the ground truth chooses m: a diagnostic of separability, not a
//     detector); the AUROC of tampered against authentic patches (contour patches left out);
//   - share of L_con's gap closed: L_con over the image's tampered and authentic patches (each kind
//     the same total weight, as in training), placed between its collapse value (0) and its
//     minimum (1): (collapse − L_con) / (collapse − minimum), (5.9)–(5.10).
// Both null where the image has fewer than two patches of a kind.
import { noGrad } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { auc } from '../metrics/ranking.ts';
import { contrastiveLoss } from './method/contrastive.ts';
import type { Branch } from './method/model/network.ts';
import type { NclOptions } from './method/options.ts';
import { PATCH_AUTHENTIC, PATCH_TAMPERED } from './method/patch-labels.ts';
import { contrastiveBounds } from './diagnostics/contrastive-bounds.ts';
import type { PooledPatches } from './diagnostics/separation.ts';

export interface HeadImageMeasures {
  patchAuroc: number | null;
  gapClosed: number | null;
}

/** The patch indices of each of the two kinds. */
function byKind(kinds: ArrayLike<number>): { tampered: number[]; authentic: number[] } {
  const tampered: number[] = [];
  const authentic: number[] = [];
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === PATCH_TAMPERED) tampered.push(i);
    else if (kinds[i] === PATCH_AUTHENTIC) authentic.push(i);
  }
  return { tampered, authentic };
}

export function patchAuroc(z: Float32Array, dim: number, kinds: ArrayLike<number>): number | null {
  const { tampered, authentic } = byKind(kinds);
  if (tampered.length < 1 || authentic.length < 2) return null;
  const mean = new Float64Array(dim);
  for (const i of authentic) for (let e = 0; e < dim; e++) mean[e]! += z[i * dim + e]! / authentic.length;
  const norm = Math.sqrt(mean.reduce((a, v) => a + v * v, 0)) || 1;
  const score = (i: number) => {
    let dot = 0;
    for (let e = 0; e < dim; e++) dot += z[i * dim + e]! * mean[e]!;
    return 1 - dot / norm; // rows are unit vectors
  };
  const ids = [...tampered, ...authentic];
  return auc(ids.map(score), ids.map((i) => (kinds[i] === PATCH_TAMPERED ? 1 : 0)));
}

async function gapClosed(z: Float32Array, dim: number, kinds: ArrayLike<number>, options: NclOptions): Promise<number | null> {
  const { tampered, authentic } = byKind(kinds);
  if (tampered.length < 2 || authentic.length < 2) return null;
  const ids = [...tampered, ...authentic];
  const labels = ids.map((i) => kinds[i]!);
  const weights = ids.map((i) => 1 / (kinds[i] === PATCH_TAMPERED ? tampered.length : authentic.length));
  const rows = new Float32Array(ids.length * dim);
  ids.forEach((i, k) => rows.set(z.subarray(i * dim, (i + 1) * dim), k * dim));
  const input = Tensor.fromArray(rows, [ids.length, dim]);
  const loss = noGrad(() => contrastiveLoss(input, labels, { tau: options.tau, fused: options.fused, anchorWeights: weights }));
  const con = await loss.item();
  input.dispose();
  loss.dispose();
  const bounds = contrastiveBounds(labels, options.tau, weights)!;
  return (bounds.collapse - con) / (bounds.collapse - bounds.minimum);
}

/** Each head's measures on one image's patches. */
export async function headImageMeasures(patches: PooledPatches, options: NclOptions): Promise<Partial<Record<Branch, HeadImageMeasures>>> {
  const out: Partial<Record<Branch, HeadImageMeasures>> = {};
  for (const [head, z] of Object.entries(patches.rows) as Array<[Branch, Float32Array]>) {
    out[head] = { patchAuroc: patchAuroc(z, patches.dim, patches.kinds), gapClosed: await gapClosed(z, patches.dim, patches.kinds, options) };
  }
  return out;
}

/** The median of the defined values (null when none). */
export function median(values: Array<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
