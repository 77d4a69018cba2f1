// What the network sees: an RGB image resized to the model's square input and normalised with the
// ImageNet mean and standard deviation (as the authors' demo does), planar CHW.
import type { Mask, RgbImage } from '../data/image.ts';
import { resizeMaskNearest } from '../data/mask.ts';
import { resizeBilinear } from '../metrics/resize.ts';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Bilinear resize of an RGB image, channel by channel (pixel centres aligned). */
export function resizeImage(image: RgbImage, width: number, height: number): RgbImage {
  if (image.width === width && image.height === height) return image;
  const n = image.width * image.height;
  const out = new Float32Array(width * height * 3);
  for (let c = 0; c < 3; c++) {
    const plane = new Float32Array(n);
    for (let p = 0; p < n; p++) plane[p] = image.data[p * 3 + c]!;
    const resized = resizeBilinear({ width: image.width, height: image.height, data: plane }, width, height).data;
    for (let p = 0; p < width * height; p++) out[p * 3 + c] = resized[p]!;
  }
  return { width, height, data: out };
}

export function resizeMask(mask: Mask, size: number): Mask {
  return resizeMaskNearest(mask, size, size);
}

/** (x − mean) / std per channel, written planar (CHW) into `out` at `offset`. */
export function normaliseInto(image: RgbImage, out: Float32Array, offset: number): void {
  const n = image.width * image.height;
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[offset + c * n + p] = (image.data[p * 3 + c]! - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
}
