// Copy-move: a region of the image is copied elsewhere in the same image, rotated and scaled.
// The mask is the destination region.
import type { Mask, RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { similarityDstToSrc, warpImage } from '../warp.ts';
import { blobReach, randomBlob } from './blob.ts';
import { pasteWhere } from './paste.ts';

export interface CopyMoveParams {
  source: [number, number];
  destination: [number, number];
  scale: number;
  angleDegrees: number;
}

/** `ring`: where the destination's centre lies (blob.ts). */
export function copyMove(base: RgbImage, targetArea: number, rng: Rng, ring?: number): { image: RgbImage; mask: Mask; params: CopyMoveParams } {
  const { width, height } = base;
  const { shape, mask } = randomBlob(rng, width, height, targetArea, ring);
  const scale = rng.uniform(0.8, 1.25);
  const angle = rng.uniform(-Math.PI / 6, Math.PI / 6);
  // the source region has reach / scale; keep it inside the image and away from the destination
  const reach = Math.min(blobReach(shape) / scale, Math.min(width, height) / 2);
  let sx = width / 2;
  let sy = height / 2;
  for (let attempt = 0; attempt < 32; attempt++) {
    sx = rng.uniform(reach, width - reach);
    sy = rng.uniform(reach, height - reach);
    if (Math.hypot(sx - shape.cx, sy - shape.cy) > 0.5 * reach) break;
  }
  const moved = warpImage(base, width, height, similarityDstToSrc(shape.cx, shape.cy, sx, sy, scale, angle));
  return {
    image: pasteWhere(base, moved, mask),
    mask,
    params: { source: [sx, sy], destination: [shape.cx, shape.cy], scale, angleDegrees: (angle * 180) / Math.PI },
  };
}
