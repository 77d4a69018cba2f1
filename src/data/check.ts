// `ncl data check`: reads and decodes every file of a dataset (so a file whose header reads but whose
// data is damaged is found here, before a run) and reports counts, sizes, tampered area and every
// problem, each naming its file. Fatal problems (a run on this dataset would fail or be wrong):
// missing or unreadable files, mask/image size mismatches (unless resizing is allowed), a listing
// that cannot be read. Warnings: names that do not correspond, masks that are not purely 0/255,
// masks that look inverted (more than half marked manipulated), tampered labels with empty masks.
import { openDataset, type DatasetListing } from './dataset.ts';
import { readImage, readMaskChannels } from './image-io.ts';
import { maskArea } from './image.ts';
import { binariseMask, nonBinaryFraction, type MaskRule } from './mask.ts';
import type { Sample } from './readers/sample.ts';
import { maxOf, minOf } from '../common/extent.ts';

export interface Problem {
  file: string;
  message: string;
  fatal: boolean;
}

export interface CheckReport {
  source: string;
  layout: DatasetListing['layout'] | null;
  samples: number;
  /** Samples whose image and mask could both be read. */
  readable: number;
  tampered: number;
  authentic: number;
  /** "W×H" → number of images. */
  sizes: Record<string, number>;
  /** Tampered fraction over tampered images; null when there are none. */
  tamperedArea: { mean: number; min: number; max: number } | null;
  problems: Problem[];
}

export interface CheckOptions {
  mask?: MaskRule;
  /** Mask/image size mismatches are warnings (they will be resized), not fatal. */
  allowResize?: boolean;
  /** Hears (0, total) before the first file is read, then each sample checked. */
  onProgress?: (done: number, total: number) => void;
}

export async function checkDataset(path: string, options: CheckOptions = {}): Promise<CheckReport> {
  const report: CheckReport = { source: path, layout: null, samples: 0, readable: 0, tampered: 0, authentic: 0, sizes: {}, tamperedArea: null, problems: [] };
  let listing: DatasetListing;
  try {
    listing = await openDataset(path);
  } catch (e) {
    report.problems.push({ file: path, message: (e as Error).message, fatal: true });
    return report;
  }
  report.layout = listing.layout;
  report.samples = listing.samples.length;
  if (report.samples === 0) report.problems.push({ file: path, message: 'the dataset lists no samples', fatal: true });
  for (const w of listing.warnings) report.problems.push({ file: path, message: w, fatal: false });
  const areas: number[] = [];
  options.onProgress?.(0, listing.samples.length);
  for (const [i, sample] of listing.samples.entries()) {
    const area = await checkSample(sample, options, report);
    if (area !== undefined) {
      report.readable++;
      if (area > 0) areas.push(area);
    }
    options.onProgress?.(i + 1, listing.samples.length);
  }
  if (areas.length > 0) {
    report.tamperedArea = { mean: areas.reduce((a, b) => a + b, 0) / areas.length, min: minOf(areas), max: maxOf(areas) };
  }
  return report;
}

/** Checks one sample, recording problems; returns its tampered fraction, or undefined if unreadable. */
async function checkSample(sample: Sample, options: CheckOptions, report: CheckReport): Promise<number | undefined> {
  const problem = (file: string, message: string, fatal: boolean) => report.problems.push({ file, message, fatal });
  let width: number;
  let height: number;
  try {
    ({ width, height } = await readImage(sample.imagePath));
  } catch (e) {
    problem(sample.imagePath, (e as Error).message, true);
    return undefined;
  }
  const size = `${width}×${height}`;
  report.sizes[size] = (report.sizes[size] ?? 0) + 1;
  if (sample.maskPath === null) {
    report.authentic++;
    return 0;
  }
  let fraction: number;
  try {
    const raw = await readMaskChannels(sample.maskPath);
    if (raw.width !== width || raw.height !== height) {
      const message = `size mismatch: mask is ${raw.width}×${raw.height}, image ${sample.imagePath} is ${size}`;
      problem(sample.maskPath, options.allowResize ? `${message} (will be resized)` : message, !options.allowResize);
    }
    const odd = nonBinaryFraction(raw);
    if (odd > 0) problem(sample.maskPath, `non-binary mask: ${(100 * odd).toFixed(2)} % of pixels are neither 0 nor 255 (binarised by the mask rule)`, false);
    const mask = binariseMask(raw, options.mask, sample.maskPath);
    fraction = maskArea(mask) / (mask.width * mask.height);
  } catch (e) {
    problem(sample.maskPath, (e as Error).message, true);
    return undefined;
  }
  if (fraction > 0.5) problem(sample.maskPath, `mask looks inverted: ${(100 * fraction).toFixed(1)} % marked manipulated (try --mask-invert)`, false);
  if (fraction === 0 && sample.label === 1) problem(sample.maskPath, `listed as tampered${sample.origin ? ` (${sample.origin})` : ''} but the mask marks no pixel`, false);
  if (fraction > 0 && sample.label === 0) problem(sample.maskPath, `listed as authentic (label 0${sample.origin ? `, ${sample.origin}` : ''}) but the mask marks ${(100 * fraction).toFixed(1)} % of the pixels: the pixel metrics count it as tampered, the image-level ones as authentic`, false);
  if (fraction > 0) report.tampered++;
  else report.authentic++;
  return fraction;
}

export function hasFatalProblem(report: CheckReport): boolean {
  return report.problems.some((p) => p.fatal);
}
