// The built-in synthetic tampering set on disk (`ncl synth`). Writes
//   OUT/{train,val,test}/Tp, OUT/{train,val,test}/Gt   PNG images and 0/255 masks, same names
//   OUT/train.json, OUT/val.json, OUT/test.json         the JSON-list layout of the same files
//   OUT/meta.json                                       options, photo split, per-image record
// The photos are read with sharp (photos.ts) and compressed with sharp's JPEG codec; the samples
// themselves are synthesise.ts's, the core a browser page runs too (src/web/page-synth.ts), where
// the splits, kinds, placements and per-image random streams are described. Node only.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sharpJpeg, writeImagePng, writeMaskPng } from '../image-io.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles, loadPhotos } from './photos.ts';
import { SPLITS, type PhotoFold, type SplitName } from './splits.ts';
import { resolveSynthSettings, summariseKinds, synthesise, SYNTH_GENERATOR_VERSION, type KindSummary, type SynthRecord } from './synthesise.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';
import { createFolder } from '../../io/folders.ts';

export { minimumSyntheticCount, SYNTH_GENERATOR_VERSION, type SynthRecord } from './synthesise.ts';

export interface SynthOptions {
  out: string;
  /** Total images over the three splits (default 200). */
  count?: number;
  /** Side of the square images in pixels (default 256). */
  size?: number;
  seed?: number;
  /** Folder of source photos; default the built-in ones. */
  imagesDir?: string;
  /** Share of the images in the test split (default 0.2). */
  testShare?: number;
  /** Share of the images in the val split (default 0.1). */
  valShare?: number;
  /** Share of authentic images in each split (default 0.2). */
  authenticShare?: number;
  /** Hold out this fold of the non-test photos as val (splits.ts); absent: the default split. */
  fold?: PhotoFold;
  /** Replace the generated content of a non-empty `out`. */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SynthSummary {
  out: string;
  records: SynthRecord[];
  photos: Record<SplitName, string[]>;
  /** Per split and kind: image count and mean tampered fraction. */
  byKind: KindSummary;
}

async function prepareOutput(out: string, force: boolean): Promise<void> {
  createFolder(out);
  const existing = await readdir(out);
  if (existing.length > 0) {
    if (!force) throw new Error(`output folder ${out} is not empty; pass --force to replace its train/, val/, test/ and list files`);
    for (const name of [...SPLITS, ...SPLITS.map((n) => `${n}.json`), 'meta.json']) await rm(join(out, name), { recursive: true, force: true });
  }
  for (const split of SPLITS) {
    await mkdir(join(out, split, 'Tp'), { recursive: true });
    await mkdir(join(out, split, 'Gt'), { recursive: true });
  }
}

export async function generateSyntheticSet(options: SynthOptions): Promise<SynthSummary> {
  const settings = resolveSynthSettings(options);
  const photoFiles = await listPhotoFiles(options.imagesDir ?? BUILTIN_PHOTOS_DIR);
  const synthesis = synthesise(settings, await loadPhotos(photoFiles), sharpJpeg, options.fold);
  await prepareOutput(options.out, options.force ?? false);

  const records: SynthRecord[] = [];
  const lists: Record<SplitName, [string, string][]> = { train: [], val: [], test: [] };
  for await (const { image, mask, record } of synthesis.samples) {
    await writeImagePng(join(options.out, record.image), image);
    await writeMaskPng(join(options.out, record.mask), mask);
    records.push(record);
    lists[record.split].push([record.image, record.kind === 'authentic' ? 'Negative' : record.mask]);
    options.onProgress?.(records.length, settings.count);
  }
  for (const name of SPLITS) {
    const lines = lists[name].map((pair) => `  ${JSON.stringify(pair)}`); // one [image, mask] pair per line
    writeTextAtomic(join(options.out, `${name}.json`), `[\n${lines.join(',\n')}\n]\n`);
  }
  const photos = synthesis.photos;
  const meta = { generator: 'ncl synth', generatorVersion: SYNTH_GENERATOR_VERSION, ...settings, ...(options.fold ? { fold: options.fold } : {}), images: options.imagesDir ?? 'built-in', photos, records };
  writeTextAtomic(join(options.out, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  return { out: options.out, records, photos, byKind: summariseKinds(records) };
}
