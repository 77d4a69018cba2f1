// Scoring saved prediction maps against a dataset: for each sample, its probability map in the
// predictions folder — as `ncl predict` names it (<stem>.prob.png, src/data/prediction-names.ts) or
// a grey map of another tool named like the image — is read as value / 255. With no folder, only
// the trivial baselines are scored.
import { existsSync } from 'node:fs';
import type { DatasetListing } from '../data/dataset.ts';
import { readMaskChannels } from '../data/image-io.ts';
import type { ProbabilityMap } from '../data/image.ts';
import { SampleLoader, type LoadOptions } from '../data/loader.ts';
import { probabilityCandidates } from '../data/prediction-names.ts';
import { IMAGE_EXTENSIONS } from '../data/readers/sample.ts';
import { MetricsAccumulator, type MetricsSummary } from './accumulator.ts';
import { Baselines, type BaselineSummaries } from './baselines.ts';

export async function readPrediction(file: string): Promise<ProbabilityMap> {
  const raw = await readMaskChannels(file);
  if (raw.channels !== 1) throw new Error(`prediction ${file} has ${raw.channels} channels; expected a grey map`);
  return { width: raw.width, height: raw.height, data: Float32Array.from(raw.data, (v) => v / 255) };
}

export interface ScoreResult extends BaselineSummaries {
  /** null when no predictions folder was given. */
  model: MetricsSummary | null;
  /** Samples skipped (with `skipUnreadable`): unreadable files, or no readable prediction. */
  skipped: number;
  /** Each skipped sample and why. */
  skippedSamples: Array<{ image: string; reason: string }>;
}

/** The prediction file of each sample (null where none exists). */
function predictionFiles(listing: DatasetListing, dir: string): Array<string | null> {
  return listing.samples.map((s) => probabilityCandidates(dir, s.imagePath, IMAGE_EXTENSIONS).find((f) => existsSync(f)) ?? null);
}

export async function scorePredictions(listing: DatasetListing, predictionsDir: string | null, load: LoadOptions): Promise<ScoreResult> {
  if (predictionsDir !== null && !existsSync(predictionsDir)) throw new Error(`predictions folder not found: ${predictionsDir}`);
  const files = predictionsDir === null ? null : predictionFiles(listing, predictionsDir);
  const skippedSamples: ScoreResult['skippedSamples'] = [];
  if (files && predictionsDir) {
    const missing = listing.samples.filter((_, i) => files[i] === null).map((s) => s.imagePath);
    if (missing.length > 0 && !load.skipUnreadable) {
      const shown = missing.slice(0, 10).map((m) => `  ${m}`).join('\n');
      throw new Error(`no prediction in ${predictionsDir} for ${missing.length} of the ${listing.samples.length} samples (named <stem>.prob.png, or like the image):\n${shown}${missing.length > 10 ? '\n  …' : ''}\npass --skip-unreadable to score the others`);
    }
    for (const m of missing) skippedSamples.push({ image: m, reason: `no prediction in ${predictionsDir}` });
  }
  const model = files === null ? null : new MetricsAccumulator();
  const baselines = new Baselines();
  const loader = new SampleLoader(load);
  for (const [i, sample] of listing.samples.entries()) {
    const file = files?.[i];
    if (file === null) continue; // no prediction: skipped above
    const loaded = await loader.load(sample);
    if (!loaded) continue;
    let prediction: ProbabilityMap | null = null;
    if (file) {
      try {
        prediction = await readPrediction(file);
      } catch (e) {
        if (!load.skipUnreadable) throw e;
        skippedSamples.push({ image: sample.imagePath, reason: (e as Error).message });
        continue;
      }
    }
    const label = sample.label ?? undefined;
    baselines.add(loaded.mask, label);
    if (model && prediction) model.add({ mask: loaded.mask, prediction, ...(label !== undefined ? { label } : {}) });
  }
  for (const s of loader.skipped) skippedSamples.push({ image: s.sample.imagePath, reason: s.reason });
  return { model: model?.summarise() ?? null, ...baselines.summarise(), skipped: skippedSamples.length, skippedSamples };
}
