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

/** A seeded shuffle of the photos, then about 30 % to test and 20 % to val (2 each at least), the rest to train. */
export function splitPhotos<T>(photos: T[], seed: number): Record<SplitName, T[]> {
  const least = SPLITS.length * MIN_PHOTOS_PER_SPLIT;
  if (photos.length < least) {
    throw new Error(`need at least ${least} source photos (${MIN_PHOTOS_PER_SPLIT} per split: splicing takes a donor from another photo of its split), got ${photos.length}`);
  }
  const shuffled = Rng.fromSeed(seed, SPLIT_STREAM).shuffle(photos.slice());
  const nTest = Math.max(MIN_PHOTOS_PER_SPLIT, Math.round(0.3 * photos.length));
  const nVal = Math.max(MIN_PHOTOS_PER_SPLIT, Math.round(0.2 * photos.length));
  return { test: shuffled.slice(0, nTest), val: shuffled.slice(nTest, nTest + nVal), train: shuffled.slice(nTest + nVal) };
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
