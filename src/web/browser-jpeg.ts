// The JPEG codec of a browser page (data/jpeg-codec.ts): the image's 8-bit pixels drawn on an
// OffscreenCanvas, encoded by the browser (convertToBlob as image/jpeg) and decoded by it again
// (canvas-images.ts's decodeImageFile; the browser's JPEG carries no colour profile). The
// quality is given as (q + 0.25) / 100, which a browser that rounds q·100 and one that truncates it
// both read as the integer q. Measured in Chromium 156 against sharp 0.35.5
// (test/web/synth-in-page.test.ts): its files carry sharp's quantisation tables and 4:2:0 chroma
// sampling at every quality tried, and its round trips give sharp's pixels exactly (Chromium's
// libjpeg-turbo and sharp's mozjpeg, a libjpeg-turbo fork, at their baseline settings). Another
// browser's codec may give other pixels.
import { imageToBytes, type RgbImage } from '../data/image.ts';
import { checkJpegQuality, type JpegCodec } from '../data/jpeg-codec.ts';
import { decodeImageFile, putPixels } from './canvas-images.ts';

/** The image as a JPEG file at `quality` (an integer in 1..100), encoded by the browser. */
export async function encodeJpegInBrowser(image: RgbImage, quality: number): Promise<Blob> {
  checkJpegQuality(quality);
  const canvas = new OffscreenCanvas(image.width, image.height);
  putPixels(canvas.getContext('2d')!, image.width, image.height, imageToBytes(image), 3);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: (quality + 0.25) / 100 });
  if (blob.type !== 'image/jpeg') throw new Error(`this browser cannot encode JPEG (it gave ${blob.type || 'nothing'})`);
  return blob;
}

/** The browser's JPEG round trip: encode at the quality, decode again. */
export const browserJpeg: JpegCodec = {
  async roundTrip(image, quality) {
    return decodeImageFile(await encodeJpegInBrowser(image, quality), `the browser's JPEG at quality ${quality}`);
  },
};
