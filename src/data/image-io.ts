// Image files in and out, through sharp (libvips): JPEG, PNG, TIFF, WebP and BMP are read; PNG and
// JPEG are written. EXIF orientation is deliberately ignored, so a mask stays aligned with the
// pixels of its image as they are stored. Every failure names the file.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { greyBytes, imageFromBytes, imageToBytes, type Mask, type RgbImage } from './image.ts';
import { checkJpegQuality, type JpegCodec } from './jpeg-codec.ts';
import { describeFsError, injectedFault, writeFileAtomic } from '../io/atomic-write.ts';

/** The raw 8-bit channels of a file, alpha removed: 1 (grey) or 3 (RGB) values per pixel. */
export interface RawChannels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Raised for a file that is missing, unreadable or has the wrong shape; `file` names it. */
export class DataError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly kind: 'missing' | 'unreadable' | 'shape' | 'format',
  ) {
    super(message);
    this.name = 'DataError';
  }
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    const fault = injectedFault(file, 'read');
    if (fault) throw fault;
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(`file not found: ${file}`, file, 'missing');
    throw new DataError(`cannot read ${file}: ${describeFsError(e)}`, file, 'unreadable');
  }
}

/** Decodes any supported file to 8-bit channels; `rgb` converts grey and palette images to RGB. */
async function decodeRaw(file: string, rgb: boolean): Promise<RawChannels> {
  const bytes = await readBytes(file);
  try {
    const input = sharp(bytes, { failOn: 'truncated', autoOrient: false });
    const { channels = 3, hasAlpha = false } = await input.metadata();
    const grey = channels - (hasAlpha ? 1 : 0) === 1;
    // sharp outputs sRGB unless told otherwise: keep grey masks single-channel
    const pipeline = input.removeAlpha().toColourspace(rgb || !grey ? 'srgb' : 'b-w');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  } catch (e) {
    throw new DataError(`cannot decode image ${file}: ${(e as Error).message}`, file, 'unreadable');
  }
}

/** Reads an image file as RGB in [0, 1] (grey is replicated to three channels). */
export async function readImage(file: string): Promise<RgbImage> {
  const raw = await decodeRaw(file, true);
  if (raw.channels !== 3) {
    throw new DataError(`expected 3 channels after conversion, got ${raw.channels}: ${file}`, file, 'format');
  }
  return imageFromBytes(raw.data, raw.width, raw.height);
}

/** Whether the file's embedded colour profile changes the pixels readImage gives (sharp converts
 *  them from the profile into sRGB, a browser only to within a level of them; the site ships such
 *  a photo as a PNG of sharp's pixels: web/site.ts): false for a file without a profile or with sRGB's. */
export async function colourProfileMatters(file: string): Promise<boolean> {
  const bytes = await readBytes(file);
  try {
    if (!(await sharp(bytes, { autoOrient: false }).metadata()).icc) return false;
    const decode = (ignoreIcc: boolean) => sharp(bytes, { failOn: 'truncated', autoOrient: false, ignoreIcc }).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer();
    return !(await decode(false)).equals(await decode(true));
  } catch (e) {
    throw new DataError(`cannot decode image ${file}: ${(e as Error).message}`, file, 'unreadable');
  }
}

/** Reads a mask file's channels as stored (1 for grey or 1-bit, 3 for RGB), for binarisation. */
export function readMaskChannels(file: string): Promise<RawChannels> {
  return decodeRaw(file, false);
}

/** Encodes an RGB image to a lossless PNG. */
export function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(imageToBytes(image), { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Encodes values in [0, 1] (a probability map, a 0/1 mask) as an 8-bit grey PNG, round(v·255). */
export function encodeGreyPng(map: { width: number; height: number; data: ArrayLike<number> }): Promise<Buffer> {
  return sharp(greyBytes(map), { raw: { width: map.width, height: map.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** Encodes a binary mask as an 8-bit grey PNG, 0 or 255. */
export function encodeMaskPng(mask: Mask): Promise<Buffer> {
  return encodeGreyPng(mask);
}

/** Encodes an RGB image to JPEG at `quality` (1–100), 4:2:0 chroma subsampling as cameras do. */
export function encodeJpeg(image: RgbImage, quality: number): Promise<Buffer> {
  checkJpegQuality(quality);
  return sharp(imageToBytes(image), { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
}

/** Compresses to JPEG at `quality` and decodes again: the usual lossy re-compression. */
export async function jpegRoundTrip(image: RgbImage, quality: number): Promise<RgbImage> {
  const jpeg = await encodeJpeg(image, quality);
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return imageFromBytes(new Uint8Array(data), info.width, info.height);
}

/** The JPEG codec of Node: sharp's (libvips with mozjpeg), `jpegRoundTrip`. */
export const sharpJpeg: JpegCodec = { roundTrip: jpegRoundTrip };

// The PNG writers write atomically (src/io/atomic-write.ts): a failed write leaves no torn file.
export async function writeImagePng(file: string, image: RgbImage): Promise<void> {
  writeFileAtomic(file, [await encodePng(image)]);
}

export async function writeMaskPng(file: string, mask: Mask): Promise<void> {
  writeFileAtomic(file, [await encodeMaskPng(mask)]);
}

export async function writeGreyPng(file: string, map: { width: number; height: number; data: ArrayLike<number> }): Promise<void> {
  writeFileAtomic(file, [await encodeGreyPng(map)]);
}
