// Patches (ncl-method.md §3) on a grid of non-overlapping p×p cells of the input, i.e. (p/4)×(p/4)
// cells of the stride-4 embedding maps. Rows are ordered image by image, then row-major cells.
// The input side must be a multiple of p, so there are no partial cells.
//   embedding of a patch: the mean of the branch map over its cell, L2-normalised
//   tampered ratio r: the mean of the 0/1 mask over its p×p pixels
//   kind: authentic if r ≤ ε, tampered if r ≥ 1 − ε, contour otherwise
// Written with engine ops (reshape, mean, permute, l2Normalize); their gradients give pooling's.
import { mean } from '../autograd/ops/reduce.ts';
import { permute, reshape } from '../autograd/ops/shape.ts';
import { l2Normalize } from '../autograd/ops/softmax.ts';
import type { Tensor } from '../autograd/tensor.ts';
import { PatchKind } from './roles.ts';

/** The model's stride between input pixels and embedding positions (the pivot is at stride 4). */
export const EMBEDDING_STRIDE = 4;

/** [B, D, h, w] → unit patch embeddings [B · h/c · w/c, D] with c = p / 4. */
export function poolPatches(embeddings: Tensor, patchSize: number): Tensor {
  const [b, d, h, w] = embeddings.shape as [number, number, number, number];
  const c = patchSize / EMBEDDING_STRIDE;
  if (h % c || w % c) throw new Error(`patch pooling: a ${h}×${w} embedding map is not a whole number of ${c}×${c} cells (patch size ${patchSize} px)`);
  const [gh, gw] = [h / c, w / c];
  const cells = mean(reshape(embeddings, [b, d, gh, c, gw, c]), [3, 5]); // [B, D, gh, gw]
  return l2Normalize(reshape(permute(cells, [0, 2, 3, 1]), [b * gh * gw, d]));
}

/** Tampered ratio and kind of every patch of a batch of 0/1 masks (B × size × size, row-major). */
export function patchLabels(masks: Uint8Array, batch: number, size: number, patchSize: number, epsilon: number): { ratio: Float32Array; kind: Uint8Array } {
  if (size % patchSize) throw new Error(`patch labels: input side ${size} is not a multiple of the patch size ${patchSize}`);
  const g = size / patchSize;
  const ratio = new Float32Array(batch * g * g);
  const kind = new Uint8Array(batch * g * g);
  const area = patchSize * patchSize;
  for (let b = 0; b < batch; b++)
    for (let gy = 0; gy < g; gy++)
      for (let gx = 0; gx < g; gx++) {
        let count = 0;
        for (let y = gy * patchSize; y < (gy + 1) * patchSize; y++) {
          const row = (b * size + y) * size;
          for (let x = gx * patchSize; x < (gx + 1) * patchSize; x++) count += masks[row + x]!;
        }
        const i = (b * g + gy) * g + gx;
        const r = count / area;
        ratio[i] = r;
        kind[i] = r <= epsilon ? PatchKind.Authentic : r >= 1 - epsilon ? PatchKind.Tampered : PatchKind.Contour;
      }
  return { ratio, kind };
}
