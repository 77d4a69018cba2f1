// IMDL-BenCo's JsonDataset layout: a JSON array of [image, mask] pairs, the mask "Negative" for an
// authentic image. Relative paths are taken relative to the JSON file's folder.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DatasetListing, Sample } from './sample.ts';

export async function readJsonList(file: string): Promise<DatasetListing> {
  let entries: unknown;
  try {
    entries = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read JSON dataset list ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new Error(`${file}: expected a JSON array of [image, mask] pairs`);
  const base = dirname(file);
  const samples: Sample[] = entries.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      throw new Error(`${file}: entry ${i} must be a pair of strings [image, mask], got ${JSON.stringify(entry)}`);
    }
    const authentic = entry[1] === 'Negative';
    return {
      imagePath: resolve(base, entry[0]),
      maskPath: authentic ? null : resolve(base, entry[1]),
      label: authentic ? 0 : 1,
    };
  });
  return { layout: 'json-list', source: file, samples, warnings: [] };
}
