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
import { boundaryF1, BOUNDARY_RADIUS } from './boundary.ts';
import { maxOf } from '../common/extent.ts';

export interface ImageInput {
  prediction: ProbabilityMap;
  mask: Mask;
  /** Image-level manipulation score in [0, 1]; default: the maximum of the prediction. */
  score?: number;
  /** 1 tampered, 0 authentic; default: whether the mask has any manipulated pixel. */
  label?: 0 | 1;
  /** The image's name in per-image rows (its file, relative to the dataset). */
  name?: string;
  /** Its groups (e.g. source, kind) from a --groups file, for per-group tables. */
  groups?: Record<string, string>;
  /** Further per-image measures for its row (e.g. a head's patch AUROC), by column name. */
  extra?: Record<string, number | null>;
}

/** One image's pixel metrics and the F1 within ±BOUNDARY_RADIUS px of its mask's edge (boundary.ts). */
export interface ImageMetrics extends PixelMetrics {
  boundaryF1: number | null;
}

/** One row per image (ncl eval --per-image): its name, groups, label, score and metrics. */
export interface PerImageRow {
  name: string;
  groups: Record<string, string>;
  label: 0 | 1;
  score: number;
  /** Share of the image's pixels marked manipulated in its mask. */
  tamperedShare: number;
  metrics: ImageMetrics;
  extra: Record<string, number | null>;
}

export interface PixelSummary {
  f1: number | null;
  bestF1: number | null;
  /** F1 within ±8 px of the mask's edge (boundary.ts), over the images whose band holds manipulated pixels. */
  boundaryF1: number | null;
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
  pixel: ImageMetrics;
  score: number;
  label: 0 | 1;
  name: string;
  groups: Record<string, string>;
  extra: Record<string, number | null>;
}

export class MetricsAccumulator {
  private records: ImageRecord[] = [];

  constructor(readonly threshold = 0.5) {}

  add(input: ImageInput): PixelMetrics {
    const { mask } = input;
    const map = resizeBilinear(input.prediction, mask.width, mask.height);
    const pixel = { ...pixelMetrics(map.data, mask.data, this.threshold), boundaryF1: boundaryF1(map.data, mask, this.threshold, BOUNDARY_RADIUS) };
    const score = input.score ?? maxOf(input.prediction.data);
    if (Number.isNaN(score)) throw new Error(`image ${this.records.length}: image score is NaN`);
    const label = input.label ?? (pixel.positives > 0 ? 1 : 0);
    this.records.push({ pixel, score, label, name: input.name ?? `image ${this.records.length + 1}`, groups: input.groups ?? {}, extra: input.extra ?? {} });
    return pixel;
  }

  /** Every image added, in order, with its metrics. */
  perImage(): PerImageRow[] {
    return this.records.map((r) => ({ name: r.name, groups: r.groups, label: r.label, score: r.score, tamperedShare: r.pixel.positives / (r.pixel.tp + r.pixel.fp + r.pixel.fn + r.pixel.tn), metrics: r.pixel, extra: r.extra }));
  }

  /** The summary of the images whose groups[column] is `value`. */
  summariseWhere(column: string, value: string): MetricsSummary {
    return summarise(this.records.filter((r) => r.groups[column] === value), this.threshold);
  }

  get count(): number {
    return this.records.length;
  }

  summarise(): MetricsSummary {
    return summarise(this.records, this.threshold);
  }
}

function summarise(records: ImageRecord[], threshold: number): MetricsSummary {
  const tampered = records.filter((r) => r.pixel.positives > 0);
  const aucUndefined = tampered.filter((r) => r.pixel.auc === null).length;
  return {
    images: records.length,
    pixel: pixelSummary(tampered.map((r) => r.pixel)),
    pixelBenco: pixelSummary(records.map((r) => bencoView(r.pixel))),
    imageLevel: imageLevelSummary(records, threshold),
    authenticSkipped: records.length - tampered.length,
    aucUndefined,
  };
}

/** IMDL-BenCo's view of an image: an authentic one gets 0 where the default mode has "undefined". */
function bencoView(m: ImageMetrics): ImageMetrics {
  if (m.positives > 0) return m;
  return { ...m, f1: 0, bestF1: 0, iou: 0, auc: 0, boundaryF1: 0 };
}

function mean(values: (number | null)[]): { value: number | null; n: number } {
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return { value: null, n: 0 };
  return { value: defined.reduce((a, b) => a + b, 0) / defined.length, n: defined.length };
}

function pixelSummary(metrics: ImageMetrics[]): PixelSummary {
  const aucMean = mean(metrics.map((m) => m.auc));
  return {
    f1: mean(metrics.map((m) => m.f1)).value,
    bestF1: mean(metrics.map((m) => m.bestF1)).value,
    boundaryF1: mean(metrics.map((m) => m.boundaryF1)).value,
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
