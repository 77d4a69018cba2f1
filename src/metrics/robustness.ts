// Perturbations for robustness evaluation, with IMDL-BenCo's parameterisation: JPEG quality q,
// Gaussian blur with a k×k kernel (σ from k by OpenCV's rule, as when σ is given as 0), additive
// Gaussian noise of variance v in 0–255 units (σ = √v). Only the image is perturbed; the mask is
// the ground truth as it was.
import { addGaussianNoise, gaussianBlur, sigmaForKernelSize } from '../data/filters.ts';
import { jpegRoundTrip } from '../data/image-io.ts';
import type { RgbImage } from '../data/image.ts';
import type { Rng } from '../common/rng.ts';

export type Perturbation =
  | { kind: 'none' }
  | { kind: 'jpeg'; quality: number }
  | { kind: 'blur'; kernel: number }
  | { kind: 'noise'; variance: number };

/** The usual grids: JPEG 50–100, blur kernels 3–23, noise variances 3–23. */
export const ROBUSTNESS_GRID: Perturbation[] = [
  ...[100, 90, 80, 70, 60, 50].map((quality) => ({ kind: 'jpeg' as const, quality })),
  ...[3, 7, 11, 15, 19, 23].map((kernel) => ({ kind: 'blur' as const, kernel })),
  ...[3, 7, 11, 15, 19, 23].map((variance) => ({ kind: 'noise' as const, variance })),
];

export function describePerturbation(p: Perturbation): string {
  switch (p.kind) {
    case 'none': return 'none';
    case 'jpeg': return `jpeg q=${p.quality}`;
    case 'blur': return `blur k=${p.kernel}`;
    case 'noise': return `noise var=${p.variance}`;
  }
}

/** The perturbed image; `rng` draws the noise (and is untouched by the other kinds). */
export async function perturb(image: RgbImage, p: Perturbation, rng: Rng): Promise<RgbImage> {
  switch (p.kind) {
    case 'none': return image;
    case 'jpeg': return jpegRoundTrip(image, p.quality);
    case 'blur': return gaussianBlur(image, sigmaForKernelSize(p.kernel), (p.kernel - 1) / 2);
    case 'noise':
      if (!(p.variance >= 0)) throw new Error(`noise variance must be ≥ 0, got ${p.variance}`);
      return addGaussianNoise(image, Math.sqrt(p.variance), rng);
  }
}
