// Before a run: every image and mask of a dataset opened just far enough to read its header
// (format, size), many at a time — seconds for thousands of files — so that a run stops before its
// first step with the full list of problems, instead of at whichever step first draws a bad file.
// Pixel data is not decoded here: a file whose header is sound but whose data is damaged is still
// found when it is loaded.
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { DatasetListing, Sample } from './dataset.ts';

export interface PreflightProblem {
  sample: Sample;
  reason: string;
}

/** Files read at once. */
const CONCURRENCY = 16;

async function header(file: string): Promise<{ width: number; height: number }> {
  try {
    await stat(file);
  } catch {
    throw new Error(`file not found: ${file}`);
  }
  try {
    const { width, height } = await sharp(file, { autoOrient: false }).metadata();
    if (!width || !height) throw new Error('no image size in its header');
    return { width, height };
  } catch (e) {
    throw new Error(`cannot decode ${file}: ${(e as Error).message}`);
  }
}

async function problemOf(sample: Sample, maskResize: boolean): Promise<string | null> {
  try {
    const image = await header(sample.imagePath);
    if (sample.maskPath === null) return null;
    const mask = await header(sample.maskPath);
    if (!maskResize && (mask.width !== image.width || mask.height !== image.height)) {
      return `size mismatch: image ${sample.imagePath} is ${image.width}×${image.height} but mask ${sample.maskPath} is ${mask.width}×${mask.height} (resize the mask with --mask-resize)`;
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface PreflightOptions {
  maskResize?: boolean;
  /** Hears (0, total) before the first file is read, then each sample checked. */
  onProgress?: (done: number, total: number) => void;
}

/** The samples whose image or mask cannot be opened, or whose sizes disagree (unless masks are resized). */
export async function preflight(listing: DatasetListing, options: PreflightOptions = {}): Promise<PreflightProblem[]> {
  const total = listing.samples.length;
  const problems: Array<PreflightProblem | null> = new Array(total).fill(null);
  let next = 0;
  let done = 0;
  options.onProgress?.(0, total);
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const reason = await problemOf(listing.samples[i]!, options.maskResize ?? false);
      if (reason) problems[i] = { sample: listing.samples[i]!, reason };
      options.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return problems.filter((p): p is PreflightProblem => p !== null);
}

/**
 * The listing once every header was read: with problems it throws the full list, or with `skip`
 * leaves those samples out and reports them through `onSkipped`. `what` names the set in messages.
 */
export async function checkedListing(listing: DatasetListing, o: { what: string; maskResize: boolean; skip: boolean; onSkipped: (text: string) => void; onProgress?: PreflightOptions['onProgress'] }): Promise<DatasetListing> {
  const problems = await preflight(listing, { maskResize: o.maskResize, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  if (problems.length === 0) return listing;
  const list = problems.map((p) => `  ${p.reason}`).join('\n');
  if (!o.skip) {
    throw new Error(`${problems.length} of the ${listing.samples.length} samples of the ${o.what} (${listing.source}) cannot be used:\n${list}\nfix or remove them, or pass --skip-unreadable to go on without them`);
  }
  o.onSkipped(`skipping ${problems.length} of the ${listing.samples.length} samples of the ${o.what} (--skip-unreadable):\n${list}`);
  const bad = new Set(problems.map((p) => p.sample));
  return { ...listing, samples: listing.samples.filter((s) => !bad.has(s)) };
}
