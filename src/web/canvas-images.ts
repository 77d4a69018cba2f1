// Images in the page: a picked or dropped file decoded by the browser into ncl's RgbImage (8-bit
// channels / 255, as `ncl predict` reads a file through sharp), and ncl's images and maps drawn
// on canvases and encoded as PNG for download. The decode converts a file with a colour profile
// into sRGB, as sharp does (an Adobe RGB photo then lands within a level of sharp's pixels; a
// file without a profile is read as stored), and asks for no premultiplied alpha; alpha is
// dropped as sharp's removeAlpha drops it (a canvas keeps colours premultiplied, so pixels that
// are partly transparent may differ by a level).
import { greyBytes, imageToBytes, type RgbImage } from '../data/image.ts';
import { textElement } from './dom.ts';

/** The file's pixels as RGB in [0, 1]; an undecodable file is an error naming it. */
export async function decodeImageFile(file: Blob, name: string): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'default', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new Error(`cannot decode image ${name}: ${(e as Error).message || 'the browser could not read it'}`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const data = new Float32Array(canvas.width * canvas.height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i]! / 255;
    data[j + 1] = rgba[i + 1]! / 255;
    data[j + 2] = rgba[i + 2]! / 255;
  }
  return { width: canvas.width, height: canvas.height, data };
}

/** Draws width×height opaque pixels given as channels-per-pixel bytes (1: grey, 3: RGB) on a canvas's context. */
export function putPixels(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number, bytes: Uint8Array, channels: 1 | 3): void {
  const pixels = context.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) pixels.data[4 * p + c] = bytes[channels * p + (channels === 3 ? c : 0)]!;
    pixels.data[4 * p + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
}

/** A canvas holding width×height pixels given as channels-per-pixel bytes (1: grey, 3: RGB). */
function canvasOf(width: number, height: number, bytes: Uint8Array, channels: 1 | 3): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  putPixels(canvas.getContext('2d')!, width, height, bytes, channels);
  return canvas;
}

export const imageCanvas = (image: RgbImage) => canvasOf(image.width, image.height, imageToBytes(image), 3);

/** Values in [0, 1] as grey, round(v·255), the bytes of `ncl predict`'s PNGs. */
export const greyCanvas = (map: { width: number; height: number; data: ArrayLike<number> }) => canvasOf(map.width, map.height, greyBytes(map), 1);

/** The canvas as a PNG file (opaque RGBA: every channel of a grey pixel holds its value). */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}

/** A canvas with its label under it, as an image to assistive technology. */
export function picture(canvas: HTMLCanvasElement, label: string): HTMLElement {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const part = document.createElement('div');
  part.append(canvas, textElement('span', label));
  return part;
}
