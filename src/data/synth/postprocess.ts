// Post-processing of a whole synthetic image, which hides the seams the way real manipulated images
// are usually laundered: with probability ½ a Gaussian blur (σ uniform in [0.3, 1] px) or Gaussian
// noise (σ uniform in [0.5, 3] on the 0–255 scale), in equal shares; then always JPEG
// re-compression at a quality uniform in 70..95, through the caller's JPEG codec (jpeg-codec.ts).
// The caller stores the result losslessly.
import { addGaussianNoise, gaussianBlur } from '../filters.ts';
import type { RgbImage } from '../image.ts';
import type { JpegCodec } from '../jpeg-codec.ts';
import type { Rng } from '../../common/rng.ts';

export interface PostProcessing {
  jpegQuality: number;
  blurSigma: number | null;
  noiseSigma: number | null;
}

export function drawPostProcessing(rng: Rng): PostProcessing {
  const jpegQuality = rng.int(70, 95);
  if (!rng.chance(0.5)) return { jpegQuality, blurSigma: null, noiseSigma: null };
  return rng.chance(0.5)
    ? { jpegQuality, blurSigma: rng.uniform(0.3, 1), noiseSigma: null }
    : { jpegQuality, blurSigma: null, noiseSigma: rng.uniform(0.5, 3) };
}

export async function postProcess(image: RgbImage, steps: PostProcessing, rng: Rng, jpeg: JpegCodec): Promise<RgbImage> {
  let out = image;
  if (steps.blurSigma !== null) out = gaussianBlur(out, steps.blurSigma);
  if (steps.noiseSigma !== null) out = addGaussianNoise(out, steps.noiseSigma, rng);
  return jpeg.roundTrip(out, steps.jpegQuality);
}
