// Splicing: a smooth blob cut from a crop of another photo, its colours matched to the image it is
// pasted into (colour-match.ts, strength uniform in [½, 1]), blended in with a feathered edge: the
// blend weight α is the blob blurred by a Gaussian of σ in [0.5, 2] px. The mask is where α ≥ ½;
// the feather's outer half (0 < α < ½) changes pixels only slightly and is left out.
import { gaussianBlur } from '../filters.ts';
import type { Mask, RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { randomBlob } from './blob.ts';
import { matchColour } from './colour-match.ts';
import { blend, thresholdMask } from './paste.ts';

export interface SpliceParams {
  featherSigma: number;
  /** Strength of the colour matching, 0 none, 1 full. */
  colourMatch: number;
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

/** `donor`: a crop of another photo, the size of `base`; `ring`: where the region's centre lies (blob.ts). */
export function splice(base: RgbImage, donor: RgbImage, targetArea: number, rng: Rng, ring?: number): { image: RgbImage; mask: Mask; params: SpliceParams } {
  const { width, height } = base;
  const { mask: blob } = randomBlob(rng, width, height, targetArea, ring);
  const colourMatch = rng.uniform(0.5, 1);
  const matched = matchColour(donor, base, blob, colourMatch);
  const featherSigma = rng.uniform(0.5, 2);
  const alpha = featherWeights(blob, featherSigma);
  return { image: blend(base, matched, alpha), mask: thresholdMask(alpha, width, height, 0.5), params: { featherSigma, colourMatch } };
}
