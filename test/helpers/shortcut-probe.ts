// The shortcut probe: a trivial per-patch detector (logistic regression on the low-level statistics
// of patch-features.ts) trained on one list, its threshold picked on a second, and scored on a third
// next to the all-tampered baseline (pixel F1 averaged over tampered images, src/metrics). A set
// whose manipulations leave no low-level trace keeps the probe near that baseline.
import { openDataset } from '../../src/data/dataset.ts';
import { loadSample } from '../../src/data/loader.ts';
import type { Mask, ProbabilityMap } from '../../src/data/image.ts';
import { EvaluationWithBaselines } from '../../src/metrics/baselines.ts';
import { confusionCounts } from '../../src/metrics/pixel.ts';
import { fitLogistic, predictLogistic, type LogisticModel } from '../../src/metrics/logistic.ts';
import { PATCH, patchFeatures, patchTargets } from './patch-features.ts';

interface PatchedImage {
  features: Float64Array[];
  targets: number[];
  mask: Mask;
}

async function loadList(list: string): Promise<PatchedImage[]> {
  const out: PatchedImage[] = [];
  for (const sample of (await openDataset(list)).samples) {
    const s = await loadSample(sample);
    out.push({ features: patchFeatures(s.image), targets: patchTargets(s.mask), mask: s.mask });
  }
  return out;
}

/** The probe's map: each patch's probability over its pixels. */
function probabilityMap(model: LogisticModel, image: PatchedImage): ProbabilityMap {
  const { width, height } = image.mask;
  const data = new Float32Array(width * height);
  const cols = Math.floor(width / PATCH);
  image.features.forEach((f, k) => {
    const p = predictLogistic(model, f);
    const x0 = (k % cols) * PATCH;
    const y0 = Math.floor(k / cols) * PATCH;
    for (let y = y0; y < y0 + PATCH; y++) data.fill(p, y * width + x0, y * width + x0 + PATCH);
  });
  return { width, height, data };
}

/** Maps at threshold t as 0/1, so the metrics' own "> 0.5" applies t. */
const binary = (map: ProbabilityMap, t: number): ProbabilityMap => ({ ...map, data: map.data.map((v) => (v > t ? 1 : 0)) });

/** Mean pixel F1 over the tampered images at threshold t. */
function meanF1(maps: ProbabilityMap[], images: PatchedImage[], t: number): number {
  let sum = 0;
  let n = 0;
  maps.forEach((m, k) => {
    const { tp, fp, fn } = confusionCounts(m.data, images[k]!.mask.data, t);
    if (tp + fn === 0) return; // authentic: left out, as in the metrics' default mode
    sum += (2 * tp) / (2 * tp + fp + fn);
    n++;
  });
  return sum / n;
}

/** The threshold in 0, 0.01, …, 0.99 with the best mean pixel F1 on `images` (0 is all-tampered). */
function pickThreshold(maps: ProbabilityMap[], images: PatchedImage[]): number {
  let best = { t: 0, f1: -1 };
  for (let i = 0; i < 100; i++) {
    const f1 = meanF1(maps, images, i / 100);
    if (f1 > best.f1) best = { t: i / 100, f1 };
  }
  return best.t;
}

export interface ProbeResult {
  /** Mean pixel F1 over the tampered images of the test list. */
  probeF1: number;
  allTamperedF1: number;
  threshold: number;
  /** The probe's pixel F1 on its own training list at the same threshold, and the all-tampered one there. */
  trainF1: number;
  trainAllTamperedF1: number;
  /** The centre prior's mean per-image pixel AUC on the test list (src/metrics/baselines.ts). */
  centrePriorAUC: number;
}

export async function runShortcutProbe(lists: { train: string; val: string; test: string }): Promise<ProbeResult> {
  const train = await loadList(lists.train);
  const model = fitLogistic(train.flatMap((i) => i.features), train.flatMap((i) => i.targets), { squares: true });
  const val = await loadList(lists.val);
  const threshold = pickThreshold(val.map((i) => probabilityMap(model, i)), val);
  const trainMaps = train.map((i) => probabilityMap(model, i));
  const evaluation = new EvaluationWithBaselines();
  for (const i of await loadList(lists.test)) evaluation.add({ prediction: binary(probabilityMap(model, i), threshold), mask: i.mask });
  const s = evaluation.summarise();
  // at threshold −1 every pixel is predicted tampered: the all-tampered baseline on train
  return { probeF1: s.model.pixel.f1 ?? 0, allTamperedF1: s.allTampered.pixel.f1 ?? 0, threshold, trainF1: meanF1(trainMaps, train, threshold), trainAllTamperedF1: meanF1(trainMaps, train, -1), centrePriorAUC: s.centrePrior.pixel.auc ?? 0.5 };
}
