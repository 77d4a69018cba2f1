// What a run trains on, recorded in its checkpoint (`ncl.data`) so that a resume on other data or
// with other mask options is refused, naming both, instead of silently continuing one run on
// another's data. The built-in synthetic set is recorded by the options that make it (generator
// version, seed, count, size, shares, split), so a checkpoint trained on it elsewhere resumes here;
// any other dataset by its path and a digest of its listing (each sample's files relative to the
// dataset's folder, and its label), so a copy moved to another folder still matches.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { listingRoot, type DatasetListing } from '../../data/dataset.ts';
import type { LoadOptions } from '../../data/loader.ts';

export interface DataRecord {
  /** In words, for messages: "built-in synthetic set (…), train split" or "dataset /path (N samples)". */
  source: string;
  /** What must match on resume. */
  key: string;
  /** The mask options, in words: "mask as stored" or "mask inverted, channel 1, resized to the image". */
  mask: string;
}

interface SynthMeta {
  generator?: string;
  generatorVersion?: number;
  images?: string;
  seed?: number;
  count?: number;
  size?: number;
  testShare?: number;
  valShare?: number;
  authenticShare?: number;
  fold?: { index: number; count: number };
}

/** The `ncl synth` meta.json beside a split's list or folder, if the set was made from the built-in photos. */
function builtInSynth(listing: DatasetListing): { meta: SynthMeta; split: string } | null {
  const meta = resolve(dirname(listing.source), 'meta.json');
  if (!existsSync(meta)) return null;
  try {
    const parsed = JSON.parse(readFileSync(meta, 'utf8')) as SynthMeta;
    if (parsed.generator !== 'ncl synth' || parsed.images !== 'built-in') return null;
    return { meta: parsed, split: basename(listing.source).replace(/\.json$/, '') };
  } catch {
    return null;
  }
}

function maskWords(load: LoadOptions): string {
  const parts: string[] = [];
  if (load.mask?.invert) parts.push('inverted');
  if (load.mask?.channel !== undefined) parts.push(`channel ${load.mask.channel}`);
  if (load.mask?.anyNonzero) parts.push('any non-zero value manipulated');
  if (load.onSizeMismatch === 'resize') parts.push('resized to the image');
  return parts.length ? `mask ${parts.join(', ')}` : 'mask as stored';
}

export function describeTrainingData(listing: DatasetListing, load: LoadOptions): DataRecord {
  const mask = maskWords(load);
  const synth = builtInSynth(listing);
  if (synth) {
    const m = synth.meta;
    const version = m.generatorVersion ?? 1;
    const shares = `test ${m.testShare}, val ${m.valShare}, authentic ${m.authenticShare}`;
    const fold = m.fold ? { words: `, fold ${m.fold.index} of ${m.fold.count}`, key: `/fold-${m.fold.index}-of-${m.fold.count}` } : { words: '', key: '' };
    return {
      source: `built-in synthetic set (generator ${version}, seed ${m.seed}, ${m.count} images of ${m.size} px, shares ${shares}${fold.words}), ${synth.split} split`,
      key: `synth/${version}/${m.seed}/${m.count}/${m.size}/${m.testShare}/${m.valShare}/${m.authenticShare}/${synth.split}${fold.key}`,
      mask,
    };
  }
  const root = listingRoot(listing);
  const hash = createHash('sha256');
  for (const s of listing.samples) hash.update(`${relative(root, s.imagePath)}\t${s.maskPath === null ? '-' : relative(root, s.maskPath)}\t${s.label ?? '-'}\n`);
  const digest = hash.digest('hex').slice(0, 16);
  return { source: `dataset ${resolve(listing.source)} (${listing.samples.length} samples, listing ${digest})`, key: `listing/${digest}`, mask };
}

/** Refuses a resume whose data or mask options differ from the checkpoint's, unless `allowChange`. */
export function checkResumeData(checkpoint: string, recorded: DataRecord | null, current: DataRecord, allowChange: boolean, notice: (text: string) => void): void {
  if (!recorded) {
    notice(`${checkpoint} does not record what it was trained on (written by an earlier ncl): the data and mask options of this resume are not checked`);
    return;
  }
  const changes: string[] = [];
  if (recorded.key !== current.key) changes.push(`trained on ${recorded.source}; this resume gives ${current.source}`);
  if (recorded.mask !== current.mask) changes.push(`trained with ${recorded.mask}; this resume gives ${current.mask}`);
  if (changes.length === 0) return;
  const what = changes.join('; ');
  if (!allowChange) throw new Error(`${checkpoint} was ${what}. Resume with the same data and mask options, or pass --allow-data-change to continue on these`);
  notice(`resuming on other data (--allow-data-change): ${checkpoint} was ${what}`);
}
