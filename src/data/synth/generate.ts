// The built-in synthetic tampering set. Writes
//   OUT/{train,val,test}/Tp, OUT/{train,val,test}/Gt   PNG images and 0/255 masks, same names
//   OUT/train.json, OUT/val.json, OUT/test.json         the JSON-list layout of the same files
//   OUT/meta.json                                       options, photo split, per-image record
// The splits are by source photo (splits.ts; the same photos for every seed): the images of a split (and their splice donors) come
// only from photos no other split uses. Within a split, a share of the images is left authentic and
// the rest is divided equally among copy-move, splice and removal, and the regions' places are
// stratified from the middle to the borders (splits.ts). Image i of a split draws all its other
// randomness from Rng.fromSeed(seed, split, i), so the same options give the same bytes.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { maskArea } from '../image.ts';
import { writeImagePng, writeMaskPng } from '../image-io.ts';
import { Rng } from '../../common/rng.ts';
import { composeImage, type ManipulationKind } from './compose.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles, loadPhotos, type Photo } from './photos.ts';
import { drawPostProcessing, postProcess, type PostProcessing } from './postprocess.ts';
import { kindSchedule, minimumCount, placementSchedule, splitCounts, splitPhotos, SPLITS, type PhotoFold, type SplitName } from './splits.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';
import { createFolder } from '../../io/folders.ts';

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

export interface SynthRecord {
  image: string;
  mask: string;
  split: SplitName;
  kind: ManipulationKind;
  photo: string;
  /** Fraction of pixels marked in the mask. */
  area: number;
  targetArea: number;
  post: PostProcessing;
  params: Record<string, unknown>;
}

export interface SynthSummary {
  out: string;
  records: SynthRecord[];
  photos: Record<SplitName, string[]>;
  /** Per split and kind: image count and mean tampered fraction. */
  byKind: Record<SplitName, Record<ManipulationKind, { count: number; meanArea: number }>>;
}

/** Bumped whenever the same options start to give other images (2: regions placed without a centre
 *  bias; 3: windows at the photo's own pixel scale, region sizes log-uniform in 1–35 %, 45 photos); recorded
 *  in meta.json, so a checkpoint knows which set it was trained on. */
export const SYNTH_GENERATOR_VERSION = 3;

/** The shares of the val and test splits unless given. */
export const DEFAULT_SPLIT_SHARES = { val: 0.1, test: 0.2 };

/** The fewest images a set with the default shares can have (val and test need two each). */
export function minimumSyntheticCount(): number {
  return minimumCount(DEFAULT_SPLIT_SHARES);
}

function checkOptions(o: Required<Pick<SynthOptions, 'count' | 'size' | 'seed' | 'testShare' | 'valShare' | 'authenticShare'>>): void {
  if (!Number.isInteger(o.count)) throw new Error(`--count must be an integer, got ${o.count}`);
  if (!Number.isInteger(o.size) || o.size < 32 || o.size > 4096) throw new Error(`--size must be an integer in 32..4096, got ${o.size}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!(o.testShare > 0 && o.valShare > 0 && o.testShare + o.valShare < 1)) throw new Error(`val and test shares must be > 0 with a sum < 1, got ${o.valShare} and ${o.testShare}`);
  const least = minimumCount({ val: o.valShare, test: o.testShare });
  if (o.count < least) throw new Error(`--count must be at least ${least} (val and test need one tampered and one authentic image each, train one image), got ${o.count}`);
  if (!(o.authenticShare >= 0 && o.authenticShare < 1)) throw new Error(`authentic share must be in [0, 1), got ${o.authenticShare}`);
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
  const settings = {
    count: options.count ?? 200,
    size: options.size ?? 256,
    seed: options.seed ?? 0,
    testShare: options.testShare ?? DEFAULT_SPLIT_SHARES.test,
    valShare: options.valShare ?? DEFAULT_SPLIT_SHARES.val,
    authenticShare: options.authenticShare ?? 0.2,
  };
  checkOptions(settings);
  const photoFiles = await listPhotoFiles(options.imagesDir ?? BUILTIN_PHOTOS_DIR);
  const split = splitPhotos(await loadPhotos(photoFiles), options.fold);
  await prepareOutput(options.out, options.force ?? false);

  const counts = splitCounts(settings.count, { val: settings.valShare, test: settings.testShare });
  const records: SynthRecord[] = [];
  const lists: Record<SplitName, [string, string][]> = { train: [], val: [], test: [] };
  for (const [splitIndex, name] of SPLITS.entries()) {
    const photos = split[name];
    const kinds = kindSchedule(name, counts[name], settings.authenticShare, Rng.fromSeed(settings.seed, splitIndex, 0xffffffff));
    const rings = placementSchedule(counts[name], Rng.fromSeed(settings.seed, splitIndex, 0xfffffffe));
    for (let i = 0; i < counts[name]; i++) {
      const record = await generateOne(options.out, name, i, kinds[i]!, photos, settings.size, Rng.fromSeed(settings.seed, splitIndex, i), rings[i]!);
      records.push(record);
      lists[name].push([record.image, record.kind === 'authentic' ? 'Negative' : record.mask]);
      options.onProgress?.(records.length, settings.count);
    }
  }
  for (const name of SPLITS) {
    const lines = lists[name].map((pair) => `  ${JSON.stringify(pair)}`); // one [image, mask] pair per line
    writeTextAtomic(join(options.out, `${name}.json`), `[\n${lines.join(',\n')}\n]\n`);
  }
  const photos = { train: split.train.map((p) => p.name), val: split.val.map((p) => p.name), test: split.test.map((p) => p.name) };
  const meta = { generator: 'ncl synth', generatorVersion: SYNTH_GENERATOR_VERSION, ...settings, ...(options.fold ? { fold: options.fold } : {}), images: options.imagesDir ?? 'built-in', photos, records };
  writeTextAtomic(join(options.out, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  return { out: options.out, records, photos, byKind: summariseKinds(records) };
}

async function generateOne(out: string, split: SplitName, index: number, kind: ManipulationKind, photos: Photo[], size: number, rng: Rng, ring: number): Promise<SynthRecord> {
  const photo = rng.pick(photos);
  const donor = kind === 'splice' ? rng.pick(photos.filter((p) => p !== photo)) : null;
  const composed = await composeImage(kind, photo, donor, size, rng, ring);
  const post = drawPostProcessing(rng);
  const final = await postProcess(composed.composite, post, rng);
  const name = `${String(index).padStart(5, '0')}.png`;
  const image = `${split}/Tp/${name}`;
  const mask = `${split}/Gt/${name}`;
  await writeImagePng(join(out, image), final);
  await writeMaskPng(join(out, mask), composed.mask);
  return {
    image,
    mask,
    split,
    kind,
    photo: photo.name,
    area: maskArea(composed.mask) / (size * size),
    targetArea: composed.targetArea,
    post,
    params: composed.params,
  };
}

function summariseKinds(records: SynthRecord[]): SynthSummary['byKind'] {
  const empty = () => ({ 'copy-move': { count: 0, meanArea: 0 }, splice: { count: 0, meanArea: 0 }, removal: { count: 0, meanArea: 0 }, authentic: { count: 0, meanArea: 0 } });
  const byKind = { train: empty(), val: empty(), test: empty() };
  for (const r of records) {
    const entry = byKind[r.split][r.kind];
    entry.meanArea += (r.area - entry.meanArea) / ++entry.count; // running mean
  }
  return byKind;
}
