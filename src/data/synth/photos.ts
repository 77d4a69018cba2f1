// The source photos of the synthetic set: the built-in ones in assets/photos (see its
// ATTRIBUTION.md) or any folder of images the user names.
import { readdir } from 'node:fs/promises';
import { basename, extname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../image-io.ts';
import type { RgbImage } from '../image.ts';
import { IMAGE_EXTENSIONS } from '../readers/sample.ts';

export const BUILTIN_PHOTOS_DIR = fileURLToPath(new URL('../../../assets/photos/', import.meta.url));

export interface Photo {
  name: string;
  image: RgbImage;
}

/** Image files of a folder, sorted by name. */
export async function listPhotoFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new Error(`cannot read photo folder ${dir}: ${(e as Error).message}`);
  }
  return names
    .filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase()))
    .sort()
    .map((n) => join(dir, n));
}

export async function loadPhotos(files: string[]): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (const file of files) photos.push({ name: parse(basename(file)).name, image: await readImage(file) });
  return photos;
}
