// Pictures of a prediction: the probability map as grey, the binary mask at 0.5, and an overlay
// of the mask in red over the image — what `ncl predict` writes and the report shows.
import { createImage, createMask, type Mask, type ProbabilityMap, type RgbImage } from '../data/image.ts';

export const THRESHOLD = 0.5;

export function probabilityImage(p: ProbabilityMap): RgbImage {
  const out = createImage(p.width, p.height);
  for (let i = 0; i < p.data.length; i++) out.data.fill(p.data[i]!, i * 3, i * 3 + 3);
  return out;
}

export function binaryMask(p: ProbabilityMap, threshold = THRESHOLD): Mask {
  const mask = createMask(p.width, p.height);
  for (let i = 0; i < p.data.length; i++) mask.data[i] = p.data[i]! > threshold ? 1 : 0;
  return mask;
}

/** The image with masked pixels blended half-way to red. */
export function overlay(image: RgbImage, mask: Mask): RgbImage {
  const out = { width: image.width, height: image.height, data: Float32Array.from(image.data) };
  for (let i = 0; i < mask.data.length; i++) {
    if (!mask.data[i]) continue;
    out.data[i * 3] = 0.5 * out.data[i * 3]! + 0.5;
    out.data[i * 3 + 1] = 0.5 * out.data[i * 3 + 1]!;
    out.data[i * 3 + 2] = 0.5 * out.data[i * 3 + 2]!;
  }
  return out;
}

/** The line `ncl predict` and the page give per image: the share predicted tampered and the largest p. */
export function predictionSummary(p: ProbabilityMap, mask: Mask): string {
  return `${((100 * mask.data.reduce((a, b) => a + b, 0)) / mask.data.length).toFixed(1)} % predicted tampered, max p ${p.data.reduce((a, b) => Math.max(a, b), 0).toFixed(3)}`;
}
