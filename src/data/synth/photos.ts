// The source photos of the synthetic set, read on Node: the built-in ones in assets/photos (see
// its ATTRIBUTION.md) or any folder of images the user names. (A browser page decodes the copies
// its site ships: src/web/page-synth.ts.)
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../image-io.ts';
import { IMAGE_EXTENSIONS } from '../readers/sample.ts';
import { photoName, type Photo } from './photo.ts';

export const BUILTIN_PHOTOS_DIR = fileURLToPath(new URL('../../../assets/photos/', import.meta.url));

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
  for (const file of files) photos.push({ name: photoName(basename(file)), image: await readImage(file) });
  return photos;
}
