// The synthetic tampering set as samples in memory, from decoded photos and a JPEG codec: the core
// that `ncl synth` (generate.ts, which reads the photos with sharp and writes the files) and the
// browser page (src/web/page-synth.ts, which decodes the photos its site ships and compresses with
// the browser's codec) share. It imports nothing of Node.
//
// The splits are by source photo (splits.ts; the same photos for every seed): the images of a split
// (and their splice donors) come only from photos no other split uses. Within a split, a share of
// the images is left authentic and the rest is divided equally among copy-move, splice and removal,
// and the regions' places are stratified from the middle to the borders (splits.ts). Image i of a
// split draws all its other randomness from Rng.fromSeed(seed, split, i), so the same settings,
// photos and codec give the same samples. No draw depends on pixel values, so the records (kinds,
// photos, parameters, post-processing) and the masks depend on the settings and the photos' names
// and sizes only; the images depend on the photos' pixels and the codec too.
import { Rng } from '../../common/rng.ts';
import { maskArea, type Mask, type RgbImage } from '../image.ts';
import type { JpegCodec } from '../jpeg-codec.ts';
import { composeImage, type ManipulationKind } from './compose.ts';
import type { Photo } from './photo.ts';
import { drawPostProcessing, postProcess, type PostProcessing } from './postprocess.ts';
import { kindSchedule, minimumCount, placementSchedule, splitCounts, splitPhotos, SPLITS, type PhotoFold, type SplitName } from './splits.ts';

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

/** What a set is made from besides its photos, every field given (meta.json records them in this order). */
export interface SynthSettings {
  /** Total images over the three splits. */
  count: number;
  /** Side of the square images in pixels. */
  size: number;
  seed: number;
  /** Share of the images in the test split. */
  testShare: number;
  /** Share of the images in the val split. */
  valShare: number;
  /** Share of authentic images in each split. */
  authenticShare: number;
}

/** The settings with their defaults (200 images of 256 px, seed 0, the default shares, 20 %
 *  authentic), checked; a bad one is an error naming its option. */
export function resolveSynthSettings(o: Partial<SynthSettings>): SynthSettings {
  const settings = {
    count: o.count ?? 200,
    size: o.size ?? 256,
    seed: o.seed ?? 0,
    testShare: o.testShare ?? DEFAULT_SPLIT_SHARES.test,
    valShare: o.valShare ?? DEFAULT_SPLIT_SHARES.val,
    authenticShare: o.authenticShare ?? 0.2,
  };
  checkSettings(settings);
  return settings;
}

function checkSettings(o: SynthSettings): void {
  if (!Number.isInteger(o.count)) throw new Error(`--count must be an integer, got ${o.count}`);
  if (!Number.isInteger(o.size) || o.size < 32 || o.size > 4096) throw new Error(`--size must be an integer in 32..4096, got ${o.size}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!(o.testShare > 0 && o.valShare > 0 && o.testShare + o.valShare < 1)) throw new Error(`val and test shares must be > 0 with a sum < 1, got ${o.valShare} and ${o.testShare}`);
  const least = minimumCount({ val: o.valShare, test: o.testShare });
  if (o.count < least) throw new Error(`--count must be at least ${least} (val and test need one tampered and one authentic image each, train one image), got ${o.count}`);
  if (!(o.authenticShare >= 0 && o.authenticShare < 1)) throw new Error(`authentic share must be in [0, 1), got ${o.authenticShare}`);
}

/** One image of the set as meta.json records it. */
export interface SynthRecord {
  /** The image's path in a written set, e.g. train/Tp/00003.png. */
  image: string;
  /** Its mask's path in a written set (an authentic image's lists say Negative instead). */
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

/** One image of the set: after post-processing, its 0/1 mask and its record. */
export interface SynthSample {
  image: RgbImage;
  mask: Mask;
  record: SynthRecord;
}

/** Per split and kind: image count and mean tampered fraction. */
export type KindSummary = Record<SplitName, Record<ManipulationKind, { count: number; meanArea: number }>>;

export interface Synthesis {
  /** The photos of each split, by name. */
  photos: Record<SplitName, string[]>;
  /** Every sample, train, val then test, each split in order: made one at a time as it is asked for. */
  samples: AsyncGenerator<SynthSample>;
}

/**
 * The set of `settings` (as resolveSynthSettings checked them) cut from `photos` (in the order listPhotoFiles gives: splitPhotos's fixed
 * shuffle starts from it), compressed with `jpeg`; `fold` holds out a fold of the non-test photos
 * as val (splits.ts). The split of the photos is checked at once (too few photos, a bad fold);
 * the samples are made as the caller iterates.
 */
export function synthesise(settings: SynthSettings, photos: Photo[], jpeg: JpegCodec, fold?: PhotoFold): Synthesis {
  const split = splitPhotos(photos, fold);
  const counts = splitCounts(settings.count, { val: settings.valShare, test: settings.testShare });
  async function* samples(): AsyncGenerator<SynthSample> {
    for (const [splitIndex, name] of SPLITS.entries()) {
      const kinds = kindSchedule(name, counts[name], settings.authenticShare, Rng.fromSeed(settings.seed, splitIndex, 0xffffffff));
      const rings = placementSchedule(counts[name], Rng.fromSeed(settings.seed, splitIndex, 0xfffffffe));
      for (let i = 0; i < counts[name]; i++) {
        yield await synthesiseOne(name, i, kinds[i]!, split[name], settings.size, Rng.fromSeed(settings.seed, splitIndex, i), rings[i]!, jpeg);
      }
    }
  }
  return {
    photos: { train: split.train.map((p) => p.name), val: split.val.map((p) => p.name), test: split.test.map((p) => p.name) },
    samples: samples(),
  };
}

async function synthesiseOne(split: SplitName, index: number, kind: ManipulationKind, photos: Photo[], size: number, rng: Rng, ring: number, jpeg: JpegCodec): Promise<SynthSample> {
  const photo = rng.pick(photos);
  const donor = kind === 'splice' ? rng.pick(photos.filter((p) => p !== photo)) : null;
  const composed = await composeImage(kind, photo, donor, size, rng, jpeg, ring);
  const post = drawPostProcessing(rng);
  const image = await postProcess(composed.composite, post, rng, jpeg);
  const name = `${String(index).padStart(5, '0')}.png`;
  const record: SynthRecord = {
    image: `${split}/Tp/${name}`,
    mask: `${split}/Gt/${name}`,
    split,
    kind,
    photo: photo.name,
    area: maskArea(composed.mask) / (size * size),
    targetArea: composed.targetArea,
    post,
    params: composed.params,
  };
  return { image, mask: composed.mask, record };
}

export function summariseKinds(records: SynthRecord[]): KindSummary {
  const empty = () => ({ 'copy-move': { count: 0, meanArea: 0 }, splice: { count: 0, meanArea: 0 }, removal: { count: 0, meanArea: 0 }, authentic: { count: 0, meanArea: 0 } });
  const byKind = { train: empty(), val: empty(), test: empty() };
  for (const r of records) {
    const entry = byKind[r.split][r.kind];
    entry.meanArea += (r.area - entry.meanArea) / ++entry.count; // running mean
  }
  return byKind;
}
