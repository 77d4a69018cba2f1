// Opening a dataset from a path, whatever its layout: a folder with Tp/ and Gt/ (ManiDataset), a
// .json list (JsonDataset) or any other file as a text list (MVSS-Net style).
import { stat } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { readJsonList } from './readers/json-list.ts';
import { IMAGE_EXTENSIONS, type DatasetListing } from './readers/sample.ts';
import { readTextList } from './readers/text-list.ts';
import { readTpGt } from './readers/tp-gt.ts';

export type { DatasetLayout, DatasetListing, Sample } from './readers/sample.ts';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The folder a listing's relative names start from: the dataset's folder, or the list file's. */
export function listingRoot(listing: DatasetListing): string {
  return existsSync(listing.source) && statSync(listing.source).isDirectory() ? listing.source : dirname(listing.source);
}

export async function openDataset(path: string): Promise<DatasetListing> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new Error(`dataset not found: ${path}`);
  }
  if (info.isDirectory()) {
    if ((await isDirectory(join(path, 'Tp'))) && (await isDirectory(join(path, 'Gt')))) return readTpGt(path);
    throw new Error(`${path} is a folder without Tp/ and Gt/ subfolders; expected that layout, a .json list or a text list file`);
  }
  const extension = extname(path).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(extension)) {
    throw new Error(`${path} is an image, not a dataset: give a folder with Tp/ and Gt/, a .json list of [image, mask] pairs or a text list (docs/data.md); to get masks for single images use ncl predict`);
  }
  return extension === '.json' ? readJsonList(path) : readTextList(path);
}
