// Scoring saved prediction maps against a dataset: for each sample, the grey file in the
// predictions folder whose name is the image's stem (any image extension) is read as a probability
// map (value / 255). With no folder, only the trivial baselines are scored.
import { readdir } from 'node:fs/promises';
import { extname, join, parse } from 'node:path';
import type { DatasetListing } from '../data/dataset.ts';
import { readMaskChannels } from '../data/image-io.ts';
import type { ProbabilityMap } from '../data/image.ts';
import { SampleLoader, type LoadOptions } from '../data/loader.ts';
import { IMAGE_EXTENSIONS } from '../data/readers/sample.ts';
import { MetricsAccumulator, type MetricsSummary } from './accumulator.ts';
import { Baselines, type BaselineSummaries } from './baselines.ts';

export async function readPrediction(file: string): Promise<ProbabilityMap> {
  const raw = await readMaskChannels(file);
  if (raw.channels !== 1) throw new Error(`prediction ${file} has ${raw.channels} channels; expected a grey map`);
  return { width: raw.width, height: raw.height, data: Float32Array.from(raw.data, (v) => v / 255) };
}

async function predictionFiles(dir: string): Promise<Map<string, string>> {
  const byStem = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())) byStem.set(parse(name).name, join(dir, name));
  }
  return byStem;
}

export interface ScoreResult extends BaselineSummaries {
  /** null when no predictions folder was given. */
  model: MetricsSummary | null;
  /** Samples skipped as unreadable (with `skipUnreadable`). */
  skipped: number;
}

export async function scorePredictions(listing: DatasetListing, predictionsDir: string | null, load: LoadOptions): Promise<ScoreResult> {
  const files = predictionsDir === null ? null : await predictionFiles(predictionsDir);
  const model = files ? new MetricsAccumulator() : null;
  const baselines = new Baselines();
  const loader = new SampleLoader(load);
  for (const sample of listing.samples) {
    const loaded = await loader.load(sample);
    if (!loaded) continue;
    const label = sample.label ?? undefined;
    baselines.add(loaded.mask, label);
    if (!files || !model) continue;
    const stem = parse(sample.imagePath).name;
    const file = files.get(stem);
    if (!file) throw new Error(`no prediction for ${sample.imagePath} in ${predictionsDir} (expected ${stem}.png or another image extension)`);
    model.add({ mask: loaded.mask, prediction: await readPrediction(file), ...(label !== undefined ? { label } : {}) });
  }
  return { model: model?.summarise() ?? null, ...baselines.summarise(), skipped: loader.skipped.length };
}
