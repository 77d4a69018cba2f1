// JPEG re-compression as a capability passed in, not imported: the synthetic set's camera and
// post-processing compressions (synth/compose.ts, synth/postprocess.ts) and the training
// augmentation's JPEG step (augment.ts) take a JpegCodec, so that they and everything they import
// stay free of Node. On Node the codec is sharp's (`sharpJpeg`, image-io.ts); in a browser page it
// is the browser's own encoder and decoder (src/web/browser-jpeg.ts).
import type { RgbImage } from './image.ts';

export interface JpegCodec {
  /** Encodes the image's 8-bit pixels as a 4:2:0 JPEG at `quality` (an integer in 1..100) and
   *  decodes it again: the usual lossy re-compression. */
  roundTrip(image: RgbImage, quality: number): Promise<RgbImage>;
}

/** The check every codec makes of its quality argument. */
export function checkJpegQuality(quality: number): void {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new Error(`JPEG quality must be an integer in 1..100, got ${quality}`);
  }
}
