// Compositing helpers shared by the manipulations.
import { createMask, type Mask, type RgbImage } from '../image.ts';

/** `base` with the pixels where `mask` is 1 replaced by those of `patch` (same size). */
export function pasteWhere(base: RgbImage, patch: RgbImage, mask: Mask): RgbImage {
  const out = base.data.slice();
  for (let p = 0; p < mask.data.length; p++) {
    if (!mask.data[p]) continue;
    out[p * 3] = patch.data[p * 3]!;
    out[p * 3 + 1] = patch.data[p * 3 + 1]!;
    out[p * 3 + 2] = patch.data[p * 3 + 2]!;
  }
  return { width: base.width, height: base.height, data: out };
}

/** α·top + (1 − α)·base per pixel, α in [0, 1]. */
export function blend(base: RgbImage, top: RgbImage, alpha: Float32Array): RgbImage {
  const out = base.data.slice();
  for (let p = 0; p < alpha.length; p++) {
    const a = alpha[p]!;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = a * top.data[p * 3 + c]! + (1 - a) * base.data[p * 3 + c]!;
  }
  return { width: base.width, height: base.height, data: out };
}

/** Pixels where `values` ≥ `threshold`. */
export function thresholdMask(values: Float32Array, width: number, height: number, threshold: number): Mask {
  const mask = createMask(width, height);
  for (let p = 0; p < values.length; p++) mask.data[p] = values[p]! >= threshold ? 1 : 0;
  return mask;
}
