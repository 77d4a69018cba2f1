// MVSS-Net's list layout: one `image mask label` per line, mask `None` for an authentic image,
// label 1 tampered / 0 authentic. Blank lines and lines starting with # are skipped. Relative paths
// are taken relative to the list file's folder. Paths may not contain spaces.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DatasetListing, Sample } from './sample.ts';

export async function readTextList(file: string): Promise<DatasetListing> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read dataset list ${file}: ${(e as Error).message}`);
  }
  const base = dirname(file);
  const samples: Sample[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = `${file} line ${i + 1}`;
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 3) throw new Error(`${where}: expected "image mask label", got ${fields.length} field(s)`);
    const [image, mask, labelText] = fields as [string, string, string];
    if (labelText !== '0' && labelText !== '1') throw new Error(`${where}: label must be 0 or 1, got "${labelText}"`);
    const label = labelText === '1' ? 1 : 0;
    if (label === 1 && mask === 'None') throw new Error(`${where}: a tampered image (label 1) needs a mask, got None`);
    samples.push({ imagePath: resolve(base, image), maskPath: mask === 'None' ? null : resolve(base, mask), label, origin: where });
  });
  if (samples.length === 0) throw new Error(`${file}: no samples listed`);
  return { layout: 'text-list', source: file, samples, warnings: [] };
}
