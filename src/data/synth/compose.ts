// One synthetic image before post-processing: a random window of a photo at its own pixel scale,
// compressed as a camera would (JPEG, quality uniform in 70..95), then one manipulation (or none,
// for an authentic image) covering a target fraction of the image, log-uniform in AREA_RANGE. A splice donor is a crop of another photo, compressed
// at its own quality. Post-processing compresses every image once more, so tampered and authentic
// images alike are compressed twice. The JPEG codec is the caller's (jpeg-codec.ts): sharp's on
// Node, the browser's in a page.
import { createMask, quantise, type Mask, type RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import type { JpegCodec } from '../jpeg-codec.ts';
import { copyMove } from './copy-move.ts';
import { randomCrop } from './crop.ts';
import type { Photo } from './photo.ts';
import { removal } from './removal.ts';
import { splice } from './splice.ts';

export type ManipulationKind = 'copy-move' | 'splice' | 'removal' | 'authentic';
export const MANIPULATIONS: ManipulationKind[] = ['copy-move', 'splice', 'removal'];

/** The share of the image a manipulation aims to cover, log-uniform in this range: real forgeries'
 *  regions are often small (a few % of the photo), the large ones rarer. */
export const AREA_RANGE: [number, number] = [0.01, 0.35];
const CAMERA_QUALITY: [number, number] = [70, 95];

export interface ComposedImage {
  /** The crop after its first compression, 8-bit exact. */
  original: RgbImage;
  /** The crop after the manipulation, 8-bit exact, before post-processing. */
  composite: RgbImage;
  mask: Mask;
  kind: ManipulationKind;
  /** Fraction of the image the manipulation aimed to cover (0 for authentic). */
  targetArea: number;
  params: Record<string, unknown>;
}

/** A crop of a photo as a camera would have saved it; returns the JPEG quality too. */
async function cameraCrop(photo: Photo, size: number, rng: Rng, jpeg: JpegCodec, maxAngle = 0): Promise<{ image: RgbImage; quality: number }> {
  const crop = randomCrop(photo.image, size, rng, maxAngle);
  const quality = rng.int(CAMERA_QUALITY[0], CAMERA_QUALITY[1]);
  return { image: await jpeg.roundTrip(crop, quality), quality };
}

/** `jpeg`: the codec of the camera compressions; `ring`: where the region's centre lies (blob.ts),
 *  drawn from `rng` unless given. */
export async function composeImage(kind: ManipulationKind, photo: Photo, donor: Photo | null, size: number, rng: Rng, jpeg: JpegCodec, ring?: number): Promise<ComposedImage> {
  const camera = await cameraCrop(photo, size, rng, jpeg);
  const original = camera.image;
  const params: Record<string, unknown> = { cameraQuality: camera.quality };
  if (kind === 'authentic') {
    return { original, composite: original, mask: createMask(size, size), kind, targetArea: 0, params };
  }
  const targetArea = Math.exp(rng.uniform(Math.log(AREA_RANGE[0]), Math.log(AREA_RANGE[1])));
  const pixels = targetArea * size * size;
  let result: { image: RgbImage; mask: Mask; params: object };
  if (kind === 'copy-move') result = copyMove(original, pixels, rng, ring);
  else if (kind === 'removal') result = removal(original, pixels, rng, ring);
  else {
    if (!donor) throw new Error('splice needs a donor photo');
    const donorCrop = await cameraCrop(donor, size, rng, jpeg, Math.PI / 9);
    result = splice(original, donorCrop.image, pixels, rng, ring);
    Object.assign(params, { donor: donor.name, donorCameraQuality: donorCrop.quality });
  }
  return { original, composite: quantise(result.image), mask: result.mask, kind, targetArea, params: { ...params, ...result.params } };
}
