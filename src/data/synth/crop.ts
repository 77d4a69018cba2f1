// A random square window of a photo, resampled to size×size: the untouched starting image.
import type { RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { similarityDstToSrc, warpImage } from '../warp.ts';

/**
 * The window's side is uniform in [½, 1] of the photo's shorter side, its position uniform, and it
 * is rotated by `maxAngle` radians at most (kept wholly inside the photo).
 */
export function randomCrop(photo: RgbImage, size: number, rng: Rng, maxAngle = 0): RgbImage {
  const angle = maxAngle > 0 ? rng.uniform(-maxAngle, maxAngle) : 0;
  const shortSide = Math.min(photo.width, photo.height);
  // a square of side w rotated by angle spans w (|cos| + |sin|) along each axis
  const fit = Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle));
  const side = rng.uniform(0.5, 1) * (shortSide / fit);
  const half = (side * fit) / 2;
  const cx = rng.uniform(half, photo.width - half);
  const cy = rng.uniform(half, photo.height - half);
  return warpImage(photo, size, size, similarityDstToSrc(size / 2, size / 2, cx, cy, size / side, angle));
}
