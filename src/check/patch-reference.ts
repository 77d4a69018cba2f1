// Float64 patch pooling (mean over a cell, L2-normalised) and patch labels (tampered ratio and
// kind), docs/method.md §3, for the tests and `ncl selfcheck`.
import { PATCH_AUTHENTIC, PATCH_CONTOUR, PATCH_TAMPERED } from '../ncl/method/patch-labels.ts';
import { arr, type Arr } from './reference.ts';

/** Float64 pooling: mean over each (partial) cell, then L2-normalised with ε = 1e-12. */
export function poolRef(x: Arr, cell: number): Arr {
  const [b, d, h, w] = x.shape as [number, number, number, number];
  const rows = Math.ceil(h / cell);
  const cols = Math.ceil(w / cell);
  const out = arr([b * rows * cols, d]);
  for (let n = 0; n < b; n++)
    for (let gy = 0; gy < rows; gy++)
      for (let gx = 0; gx < cols; gx++) {
        const p = (n * rows + gy) * cols + gx;
        let sq = 0;
        for (let c = 0; c < d; c++) {
          let acc = 0;
          let count = 0;
          for (let y = gy * cell; y < Math.min(h, gy * cell + cell); y++)
            for (let xx = gx * cell; xx < Math.min(w, gx * cell + cell); xx++, count++) acc += x.data[((n * d + c) * h + y) * w + xx]!;
          out.data[p * d + c] = acc / count;
          sq += (acc / count) ** 2;
        }
        for (let c = 0; c < d; c++) out.data[p * d + c]! /= Math.sqrt(sq + 1e-12);
      }
  return out;
}

export function labelsRef(mask: Arr, patch: number, epsilon: number): { ratio: number[]; kind: number[] } {
  const [b, , h, w] = mask.shape as [number, number, number, number];
  const ratio: number[] = [];
  const kind: number[] = [];
  for (let n = 0; n < b; n++)
    for (let y0 = 0; y0 < h; y0 += patch)
      for (let x0 = 0; x0 < w; x0 += patch) {
        let sum = 0;
        let count = 0;
        for (let y = y0; y < Math.min(h, y0 + patch); y++)
          for (let x = x0; x < Math.min(w, x0 + patch); x++, count++) sum += mask.data[(n * h + y) * w + x]!;
        const r = sum / count;
        ratio.push(r);
        kind.push(r <= epsilon ? PATCH_AUTHENTIC : r >= 1 - epsilon ? PATCH_TAMPERED : PATCH_CONTOUR);
      }
  return { ratio, kind };
}
