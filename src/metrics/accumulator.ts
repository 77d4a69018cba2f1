// A streaming evaluator: add one image at a time (its probability map and ground-truth mask), then
// summarise. Only a few numbers per image are kept, so a large dataset never sits in memory.
//
// Conventions (docs/data.md gives them in full):
// - Pixel metrics are computed at the mask's resolution; a map of another size is first resized
//   bilinearly. Threshold: probability > 0.5.
// - Default mode: pixel F1, best-threshold F1, AUC, IoU and accuracy are averaged over tampered
//   images (masks with at least one manipulated pixel); authentic images are skipped and counted.
//   AUC is left out for masks that are all manipulated (undefined) and those are counted.
// - IMDL-BenCo mode: the same metrics averaged over all images, an authentic image scoring F1 = IoU
//   = AUC = 0 (as IMDL-BenCo's evaluators return there); accuracy as computed.
// - Image level: score = the model's image score if given, else the maximum pixel probability;
//   label = the sample's label if given, else whether the mask has a manipulated pixel. AUC over
//   all images; accuracy and F1 with "tampered" = score > 0.5.
import type { Mask, ProbabilityMap } from '../data/image.ts';
import { pixelMetrics, type PixelMetrics } from './pixel.ts';
import { auc } from './ranking.ts';
import { resizeBilinear } from './resize.ts';
import { maxOf } from '../common/extent.ts';

export interface ImageInput {
  prediction: ProbabilityMap;
  mask: Mask;
  /** Image-level manipulation score in [0, 1]; default: the maximum of the prediction. */
  score?: number;
  /** 1 tampered, 0 authentic; default: whether the mask has any manipulated pixel. */
  label?: 0 | 1;
}

export interface PixelSummary {
  f1: number | null;
  bestF1: number | null;
  auc: number | null;
  iou: number | null;
  accuracy: number | null;
  /** Images each mean is taken over (AUC: over `aucImages`). */
  images: number;
  aucImages: number;
}

export interface ImageLevelSummary {
  auc: number | null;
  accuracy: number | null;
  f1: number | null;
  tampered: number;
  authentic: number;
}

export interface MetricsSummary {
  images: number;
  /** Default mode: averages over tampered images. */
  pixel: PixelSummary;
  /** IMDL-BenCo mode: averages over all images, authentic ones scoring 0 for F1, IoU and AUC. */
  pixelBenco: PixelSummary;
  imageLevel: ImageLevelSummary;
  /** Images with an all-zero mask, left out of the default pixel means. */
  authenticSkipped: number;
  /** Tampered images whose mask is all manipulated, so pixel AUC is undefined; left out of AUC means. */
  aucUndefined: number;
}

interface ImageRecord {
  pixel: PixelMetrics;
  score: number;
  label: 0 | 1;
}

export class MetricsAccumulator {
  private records: ImageRecord[] = [];

  constructor(readonly threshold = 0.5) {}

  add(input: ImageInput): PixelMetrics {
    const { mask } = input;
    const map = resizeBilinear(input.prediction, mask.width, mask.height);
    const pixel = pixelMetrics(map.data, mask.data, this.threshold);
    const score = input.score ?? maxOf(input.prediction.data);
    if (Number.isNaN(score)) throw new Error(`image ${this.records.length}: image score is NaN`);
    const label = input.label ?? (pixel.positives > 0 ? 1 : 0);
    this.records.push({ pixel, score, label });
    return pixel;
  }

  get count(): number {
    return this.records.length;
  }

  summarise(): MetricsSummary {
    const tampered = this.records.filter((r) => r.pixel.positives > 0);
    const aucUndefined = tampered.filter((r) => r.pixel.auc === null).length;
    return {
      images: this.records.length,
      pixel: pixelSummary(tampered.map((r) => r.pixel)),
      pixelBenco: pixelSummary(this.records.map((r) => bencoView(r.pixel))),
      imageLevel: imageLevelSummary(this.records, this.threshold),
      authenticSkipped: this.records.length - tampered.length,
      aucUndefined,
    };
  }
}

/** IMDL-BenCo's view of an image: an authentic one gets 0 where the default mode has "undefined". */
function bencoView(m: PixelMetrics): PixelMetrics {
  if (m.positives > 0) return m;
  return { ...m, f1: 0, bestF1: 0, iou: 0, auc: 0 };
}

function mean(values: (number | null)[]): { value: number | null; n: number } {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return { value: null, n: 0 };
  return { value: defined.reduce((a, b) => a + b, 0) / defined.length, n: defined.length };
}

function pixelSummary(metrics: PixelMetrics[]): PixelSummary {
  const aucMean = mean(metrics.map((m) => m.auc));
  return {
    f1: mean(metrics.map((m) => m.f1)).value,
    bestF1: mean(metrics.map((m) => m.bestF1)).value,
    auc: aucMean.value,
    iou: mean(metrics.map((m) => m.iou)).value,
    accuracy: mean(metrics.map((m) => m.accuracy)).value,
    images: metrics.length,
    aucImages: aucMean.n,
  };
}

function imageLevelSummary(records: ImageRecord[], threshold: number): ImageLevelSummary {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const r of records) {
    const predicted = r.score > threshold;
    if (r.label) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  const n = records.length;
  return {
    auc: auc(records.map((r) => r.score), records.map((r) => r.label)),
    accuracy: n === 0 ? null : (tp + tn) / n,
    f1: 2 * tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn),
    tampered: tp + fn,
    authentic: fp + tn,
  };
}
