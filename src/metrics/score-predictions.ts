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
  /** Samples skipped as unreadable (with `skipUnreadable`). */
  skipped: number;
}

export async function scorePredictions(listing: DatasetListing, predictionsDir: string | null, load: LoadOptions): Promise<ScoreResult> {
  if (predictionsDir !== null && !existsSync(predictionsDir)) throw new Error(`predictions folder not found: ${predictionsDir}`);
  const model = predictionsDir === null ? null : new MetricsAccumulator();
  const baselines = new Baselines();
  const loader = new SampleLoader(load);
  for (const sample of listing.samples) {
    const loaded = await loader.load(sample);
    if (!loaded) continue;
    const label = sample.label ?? undefined;
    baselines.add(loaded.mask, label);
    if (predictionsDir === null || !model) continue;
    const candidates = probabilityCandidates(predictionsDir, sample.imagePath, IMAGE_EXTENSIONS);
    const file = candidates.find((f) => existsSync(f));
    if (!file) throw new Error(`no prediction for ${sample.imagePath} in ${predictionsDir} (looked for ${candidates.slice(0, 3).map((c) => c.slice(predictionsDir.length + 1)).join(', ')}, …)`);
    model.add({ mask: loaded.mask, prediction: await readPrediction(file), ...(label !== undefined ? { label } : {}) });
  }
  return { model: model?.summarise() ?? null, ...baselines.summarise(), skipped: loader.skipped.length };
}
