// Small image/mask files written for the data tests, in a fresh temporary folder.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `ncl-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes raw 8-bit pixels (1 or 3 channels) to `file`, in the format its extension names. */
export async function writePixels(file: string, width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number, c: number) => number): Promise<void> {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = pixel(x, y, c);
  await mkdir(dirname(file), { recursive: true });
  let img = sharp(data, { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w'); // otherwise sharp writes three channels
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'png') await img.png().toFile(file);
  else if (ext === 'jpg' || ext === 'jpeg') await img.jpeg({ quality: 95 }).toFile(file);
  else if (ext === 'tif' || ext === 'tiff') await img.tiff({ compression: 'lzw' }).toFile(file); // sharp's default is lossy JPEG-in-TIFF
  else if (ext === 'webp') await img.webp({ lossless: true }).toFile(file);
  else throw new Error(`fixture format ${ext} not supported`);
}

/** A gradient RGB image. */
export function writeImage(file: string, width: number, height: number): Promise<void> {
  return writePixels(file, width, height, 3, (x, y, c) => (x * 7 + y * 13 + c * 50) % 256);
}

/** A grey mask whose manipulated pixels (255) are those where `inside` holds. */
export function writeMask(file: string, width: number, height: number, inside: (x: number, y: number) => boolean): Promise<void> {
  return writePixels(file, width, height, 1, (x, y) => (inside(x, y) ? 255 : 0));
}

/** Asserts that `run` rejects with an error whose message matches `pattern`. */
export async function rejects(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!pattern.test((e as Error).message)) throw new Error(`error "${(e as Error).message}" does not match ${pattern}`);
    return;
  }
  throw new Error(`expected a rejection matching ${pattern}`);
}

export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
