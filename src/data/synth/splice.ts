// Splicing: a smooth blob cut from another photo (rotated and scaled by the crop), blended in with a
// feathered edge: the blend weight α is the blob blurred by a Gaussian of σ in [0.5, 2] px. The mask
// is where α ≥ ½; the feather's outer half (0 < α < ½) changes pixels only slightly and is left out.
import { gaussianBlur } from '../filters.ts';
import type { Mask, RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { randomBlob } from './blob.ts';
import { randomCrop } from './crop.ts';
import { blend, thresholdMask } from './paste.ts';

export interface SpliceParams {
  featherSigma: number;
}

/** The feather weights: the blob (0/1) blurred; computed on a grey image so the RGB blur serves. */
function featherWeights(blob: Mask, sigma: number): Float32Array {
  const grey = new Float32Array(blob.data.length * 3);
  for (let p = 0; p < blob.data.length; p++) grey[p * 3] = blob.data[p]!;
  const blurred = gaussianBlur({ width: blob.width, height: blob.height, data: grey }, sigma);
  const alpha = new Float32Array(blob.data.length);
  for (let p = 0; p < alpha.length; p++) alpha[p] = blurred.data[p * 3]!;
  return alpha;
}

export function splice(base: RgbImage, donorPhoto: RgbImage, targetArea: number, rng: Rng): { image: RgbImage; mask: Mask; params: SpliceParams } {
  const { width, height } = base;
  const donor = randomCrop(donorPhoto, width, rng, Math.PI / 9);
  const { mask: blob } = randomBlob(rng, width, height, targetArea);
  const featherSigma = rng.uniform(0.5, 2);
  const alpha = featherWeights(blob, featherSigma);
  return { image: blend(base, donor, alpha), mask: thresholdMask(alpha, width, height, 0.5), params: { featherSigma } };
}
