// A random square window of a photo: the untouched starting image, at the photo's own pixel scale
// so that what a camera leaves in its pixels (sensor noise, demosaicking, its JPEG grid) stays as
// it was, never resampled away. The window is size×size pixels of the photo, at a uniform position;
// only a rotated window (a splice donor, up to `maxAngle` radians) is resampled, bilinearly at
// scale 1, and only a photo smaller than the window is enlarged to fill it.
import type { RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { similarityDstToSrc, warpImage } from '../warp.ts';

export function randomCrop(photo: RgbImage, size: number, rng: Rng, maxAngle = 0): RgbImage {
  const angle = maxAngle > 0 ? rng.uniform(-maxAngle, maxAngle) : 0;
  // a square of side w rotated by angle spans w (|cos| + |sin|) along each axis
  const fit = Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle));
  const side = Math.min(size, Math.min(photo.width, photo.height) / fit);
  if (angle === 0 && side === size) {
    const [x0, y0] = [rng.int(0, photo.width - size), rng.int(0, photo.height - size)];
    const data = new Float32Array(size * size * 3);
    for (let y = 0; y < size; y++) data.set(photo.data.subarray(((y0 + y) * photo.width + x0) * 3, ((y0 + y) * photo.width + x0 + size) * 3), y * size * 3);
    return { width: size, height: size, data };
  }
  const half = (side * fit) / 2;
  const cx = rng.uniform(half, photo.width - half);
  const cy = rng.uniform(half, photo.height - half);
  return warpImage(photo, size, size, similarityDstToSrc(size / 2, size / 2, cx, cy, size / side, angle));
}
