// The linear probe (docs/method.md §5, "Reading L_con"): do the pivot's features, which the
// segmentation head reads and the contrastive terms shape, tell tampered from authentic patches?
// Each patch's feature is the mean of the frozen pivot F over its cell (p/4 × p/4 positions of the
// stride-4 map, the same cells as (3.1), not normalised); its label its kind (3.2), contour patches
// left out. A logistic regression (src/metrics/logistic.ts, linear in the standardised features)
// is fit on the patches of a probe set (a training split) and scored by the AUROC of its
// probabilities on the evaluated set's patches, pooled over images.
import { listingRoot, type DatasetListing } from '../data/dataset.ts';
import { SampleLoader, type LoadOptions } from '../data/loader.ts';
import { Rng } from '../common/rng.ts';
import { fitLogistic, predictLogistic } from '../metrics/logistic.ts';
import { auc } from '../metrics/ranking.ts';
import { predictAtInputSize } from './inference.ts';
import type { NclNetwork } from './method/model/network.ts';
import type { NclOptions } from './method/options.ts';
import { resizeMask } from './preprocess.ts';

/** Patches drawn from the probe set at most (a seeded sample keeps the fit to seconds). */
export const PROBE_FIT_PATCHES = 20000;
const PROBE_SEED = 0x9b0be;

export interface ProbePatches {
  features: Float64Array[];
  /** 1 tampered, 0 authentic. */
  labels: number[];
}

export interface ProbeResult {
  auroc: number | null;
  /** Patches the probe was fit on, and scored on. */
  fitPatches: number;
  scoredPatches: number;
  probeData: string;
}

/** The labelled patches of one image: pivot means per cell and kinds from the mask at the input size. */
export function pivotPatches(pivot: Float32Array, channels: number, h: number, w: number, mask: Uint8Array, size: number, options: Pick<NclOptions, 'patchSize' | 'epsilon'>): ProbePatches {
  const stride = size / h;
  const cell = options.patchSize / stride;
  const out: ProbePatches = { features: [], labels: [] };
  for (let cy = 0; cy < h; cy += cell) {
    for (let cx = 0; cx < w; cx += cell) {
      // (3.2): the tampered ratio over the patch's pixels, a partial border patch over its part inside
      let marked = 0;
      let pixels = 0;
      for (let y = cy * stride; y < Math.min(size, (cy + cell) * stride); y++) for (let x = cx * stride; x < Math.min(size, (cx + cell) * stride); x++) (marked += mask[y * size + x]!), pixels++;
      const r = marked / pixels;
      const label = r <= options.epsilon ? 0 : r >= 1 - options.epsilon ? 1 : -1;
      if (label < 0) continue;
      const feature = new Float64Array(channels);
      let n = 0;
      for (let y = cy; y < Math.min(h, cy + cell); y++) {
        for (let x = cx; x < Math.min(w, cx + cell); x++) {
          for (let c = 0; c < channels; c++) feature[c]! += pivot[(c * h + y) * w + x]!;
          n++;
        }
      }
      for (let c = 0; c < channels; c++) feature[c]! /= n;
      out.features.push(feature);
      out.labels.push(label);
    }
  }
  return out;
}

/** The labelled patches of a dataset's images, at most `cap` of them (a seeded reservoir sample). */
export async function datasetPatches(net: NclNetwork, listing: DatasetListing, options: NclOptions, load: LoadOptions, cap: number): Promise<ProbePatches> {
  const loader = new SampleLoader({ ...load, skipUnreadable: true });
  const kept: ProbePatches = { features: [], labels: [] };
  const rng = Rng.fromSeed(PROBE_SEED);
  let seen = 0;
  const size = net.config.inputSize;
  for (const sample of listing.samples) {
    const loaded = await loader.load(sample);
    if (!loaded) continue;
    let patches: ProbePatches = { features: [], labels: [] };
    await predictAtInputSize(net, loaded.image, async (out) => {
      const [, channels, h, w] = out.pivot.shape as [number, number, number, number];
      patches = pivotPatches(await out.pivot.data(), channels, h, w, resizeMask(loaded.mask, size).data, size, options);
    });
    patches.features.forEach((feature, i) => {
      seen++;
      const slot = kept.features.length < cap ? kept.features.length : Math.floor(rng.next() * seen);
      if (slot < cap) {
        kept.features[slot] = feature;
        kept.labels[slot] = patches.labels[i]!;
      }
    });
  }
  if (kept.features.length === 0) throw new Error(`the probe set ${listingRoot(listing)} has no readable image with a tampered or authentic patch`);
  return kept;
}

/** Fits the probe on `probeData`'s patches and scores it on `listing`'s. */
export async function pivotProbe(net: NclNetwork, probeData: DatasetListing, listing: DatasetListing, options: NclOptions, load: LoadOptions): Promise<ProbeResult> {
  const fit = await datasetPatches(net, probeData, options, load, PROBE_FIT_PATCHES);
  const model = fitLogistic(fit.features, fit.labels);
  const scored = await datasetPatches(net, listing, options, load, Number.MAX_SAFE_INTEGER);
  const auroc = auc(scored.features.map((f) => predictLogistic(model, f)), scored.labels);
  return { auroc, fitPatches: fit.features.length, scoredPatches: scored.features.length, probeData: probeData.source };
}
