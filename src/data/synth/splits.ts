// How the synthetic set is divided: source photos into train / val / test (no photo in two
// splits), image counts per split, the kinds of the images of each split and where their regions lie.
import { Rng } from '../../common/rng.ts';
import { MANIPULATIONS, type ManipulationKind } from './compose.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

const SPLIT_STREAM = 0x5eed;
/** Each split needs two photos at least: a splice takes its donor from another photo of its split. */
const MIN_PHOTOS_PER_SPLIT = 2;
/** Val and test need one tampered and one authentic image at least. */
const MIN_EVAL_IMAGES = 2;

/** Which part of the photos that are not test photos is held out as val (`ncl synth --folds`). */
export interface PhotoFold {
  index: number;
  count: number;
}

/**
 * A fixed shuffle of the photos (the same for every seed: a pool's test photos are drawn once and
 * then left alone, whatever is tuned on the others), then about 30 % to test (2 at least), the rest
 * between val and train: about 20 % of all to val, or, with a fold, the `fold.index`-th of
 * `fold.count` near-equal parts of the non-test photos (so the folds hold out every non-test photo
 * once, and never a test photo). Train gets the rest.
 */
export function splitPhotos<T>(photos: T[], fold?: PhotoFold): Record<SplitName, T[]> {
  const least = SPLITS.length * MIN_PHOTOS_PER_SPLIT;
  if (photos.length < least) {
    throw new Error(`need at least ${least} source photos (${MIN_PHOTOS_PER_SPLIT} per split: splicing takes a donor from another photo of its split), got ${photos.length}`);
  }
  const shuffled = Rng.fromSeed(0, SPLIT_STREAM).shuffle(photos.slice());
  const nTest = Math.max(MIN_PHOTOS_PER_SPLIT, Math.round(0.3 * photos.length));
  const [test, rest] = [shuffled.slice(0, nTest), shuffled.slice(nTest)];
  if (!fold) {
    const nVal = Math.max(MIN_PHOTOS_PER_SPLIT, Math.round(0.2 * photos.length));
    return { test, val: rest.slice(0, nVal), train: rest.slice(nVal) };
  }
  if (!Number.isInteger(fold.count) || fold.count < 2) throw new Error(`--folds must be an integer of at least 2, got ${fold.count}`);
  if (!Number.isInteger(fold.index) || fold.index < 0 || fold.index >= fold.count) throw new Error(`--fold must be an integer in 0..${fold.count - 1}, got ${fold.index}`);
  const [from, to] = [Math.round((fold.index * rest.length) / fold.count), Math.round(((fold.index + 1) * rest.length) / fold.count)];
  const [val, train] = [rest.slice(from, to), [...rest.slice(0, from), ...rest.slice(to)]];
  if (val.length < MIN_PHOTOS_PER_SPLIT || train.length < MIN_PHOTOS_PER_SPLIT) {
    const most = Math.floor(rest.length / MIN_PHOTOS_PER_SPLIT);
    throw new Error(`--folds ${fold.count}: the ${rest.length} photos outside the test split leave fold ${fold.index} ${val.length} val and ${train.length} train photos, ${MIN_PHOTOS_PER_SPLIT} each needed (at most ${most} folds)`);
  }
  return { test, val, train };
}

/** Images per split: val and test their shares of `count` (2 at least), train the rest. */
export function splitCounts(count: number, shares: { val: number; test: number }): Record<SplitName, number> {
  const val = Math.max(MIN_EVAL_IMAGES, Math.round(count * shares.val));
  const test = Math.max(MIN_EVAL_IMAGES, Math.round(count * shares.test));
  return { train: count - val - test, val, test };
}

/** The smallest total that leaves one training image once val and test have their minimum. */
export function minimumCount(shares: { val: number; test: number }): number {
  let count = 1;
  while (splitCounts(count, shares).train < 1) count++;
  return count;
}

/**
 * The kinds of a split of n images, shuffled: a share of them authentic (in val and test at least
 * one, and one tampered), the rest cycling through the manipulations.
 */
export function kindSchedule(split: SplitName, n: number, authenticShare: number, rng: Rng): ManipulationKind[] {
  let nAuthentic = Math.round(n * authenticShare);
  if (split !== 'train') nAuthentic = Math.min(n - 1, Math.max(1, nAuthentic));
  const kinds: ManipulationKind[] = [];
  for (let i = 0; i < n; i++) kinds.push(i < nAuthentic ? 'authentic' : MANIPULATIONS[(i - nAuthentic) % MANIPULATIONS.length]!);
  return rng.shuffle(kinds);
}

/**
 * Where the regions of a split's n images lie: stratified values of the ring q of blob.ts, one in
 * each of [k/n, (k+1)/n), shuffled, so a split's regions are spread from the middle to the borders
 * as a uniform placement spreads them on average.
 */
export function placementSchedule(n: number, rng: Rng): number[] {
  return rng.shuffle(Array.from({ length: n }, (_, k) => (k + rng.uniform(0, 1)) / n));
}
