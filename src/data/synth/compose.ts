// One synthetic image before post-processing: a random crop of a photo, then one manipulation (or
// none, for an authentic image) covering a target fraction of the image.
import { createMask, quantise, type Mask, type RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { copyMove } from './copy-move.ts';
import { randomCrop } from './crop.ts';
import type { Photo } from './photos.ts';
import { removal } from './removal.ts';
import { splice } from './splice.ts';

export type ManipulationKind = 'copy-move' | 'splice' | 'removal' | 'authentic';
export const MANIPULATIONS: ManipulationKind[] = ['copy-move', 'splice', 'removal'];

export const AREA_RANGE: [number, number] = [0.05, 0.35];

export interface ComposedImage {
  /** The untouched crop, 8-bit exact. */
  original: RgbImage;
  /** The crop after the manipulation, 8-bit exact, before post-processing. */
  composite: RgbImage;
  mask: Mask;
  kind: ManipulationKind;
  /** Fraction of the image the manipulation aimed to cover (0 for authentic). */
  targetArea: number;
  params: Record<string, unknown>;
}

export function composeImage(kind: ManipulationKind, photo: Photo, donor: Photo | null, size: number, rng: Rng): ComposedImage {
  const original = quantise(randomCrop(photo.image, size, rng));
  if (kind === 'authentic') {
    return { original, composite: original, mask: createMask(size, size), kind, targetArea: 0, params: {} };
  }
  const targetArea = rng.uniform(AREA_RANGE[0], AREA_RANGE[1]);
  const pixels = targetArea * size * size;
  let result: { image: RgbImage; mask: Mask; params?: object };
  if (kind === 'copy-move') result = copyMove(original, pixels, rng);
  else if (kind === 'removal') result = removal(original, pixels, rng);
  else {
    if (!donor) throw new Error('splice needs a donor photo');
    result = splice(original, donor.image, pixels, rng);
    result.params = { ...result.params, donor: donor.name };
  }
  return { original, composite: quantise(result.image), mask: result.mask, kind, targetArea, params: { ...result.params } };
}
