// The auxiliary contour loss (docs/method.md §5, eq. 5.9b; ours, after the authors' predecessor
// CaCL-Net, which pairs contrastive learning with a binary cross-entropy on a contour map). A
// 1×1 convolution on the pivot (`contour_head`, present when λ_ct > 0) predicts, per stride-4
// cell, whether the mask's edge passes near it; the target marks a cell when its 4×4 pixels,
// widened by CONTOUR_MARGIN px on each side (clipped at the image border), hold tampered and
// authentic pixels both. Contour cells are few, so the BCE weighs them by the batch's ratio of
// other cells to contour cells (each class then carries half the loss, as in edge detection):
//   L_ct = mean_cells [ w_+ c log σ(s) + (1 − c) log(1 − σ(s)) ] · (−1),  w_+ = #(c = 0) / #(c = 1)
import { bceWithLogits } from '../../autograd/ops/losses.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { EMBEDDING_STRIDE } from './model/config.ts';

/** Pixels beyond a cell's own 4×4 in which an edge still marks it. */
export const CONTOUR_MARGIN = 2;

/** The contour map [B, 1, H/4, W/4] (0/1) of B square 0/1 masks of side `size`. */
export function contourTargets(masks: Uint8Array, batch: number, size: number): Float32Array {
  const cells = size / EMBEDDING_STRIDE;
  const out = new Float32Array(batch * cells * cells);
  for (let b = 0; b < batch; b++) {
    const mask = masks.subarray(b * size * size, (b + 1) * size * size);
    for (let cy = 0; cy < cells; cy++) {
      for (let cx = 0; cx < cells; cx++) {
        const [y0, y1] = [Math.max(0, cy * EMBEDDING_STRIDE - CONTOUR_MARGIN), Math.min(size, (cy + 1) * EMBEDDING_STRIDE + CONTOUR_MARGIN)];
        const [x0, x1] = [Math.max(0, cx * EMBEDDING_STRIDE - CONTOUR_MARGIN), Math.min(size, (cx + 1) * EMBEDDING_STRIDE + CONTOUR_MARGIN)];
        let [tampered, authentic] = [false, false];
        for (let y = y0; y < y1 && !(tampered && authentic); y++) {
          for (let x = x0; x < x1; x++) {
            if (mask[y * size + x]) tampered = true;
            else authentic = true;
          }
        }
        out[(b * cells + cy) * cells + cx] = tampered && authentic ? 1 : 0;
      }
    }
  }
  return out;
}

/** L_ct: the balanced BCE of contour logits [B, 1, h, w] against the masks' contour map (a batch
 *  without a contour cell: the plain BCE, every cell a negative). */
export function contourLoss(logits: Tensor, masks: Uint8Array): Tensor {
  const [b, , h, w] = logits.shape as [number, number, number, number];
  const size = masks.length / b;
  if (h * EMBEDDING_STRIDE * h * EMBEDDING_STRIDE !== size || h !== w) throw new Error(`contour loss: logits ${logits.describe()} and masks of ${size} pixels per image do not match`);
  const targets = contourTargets(masks, b, h * EMBEDDING_STRIDE);
  const positives = targets.reduce((n, v) => n + v, 0);
  const posWeight = positives > 0 ? (targets.length - positives) / positives : 1;
  return bceWithLogits(logits, Tensor.fromArray(targets, [b, 1, h, w]), { posWeight });
}
