// Trivial baselines reported next to a model's numbers: predict every pixel (and image) tampered,
// every pixel authentic, or the centre prior (the same map for every image, highest at its centre).
// They show what a metric gives for no skill at all on the same data (e.g. all-tampered reaches
// F1 = 2A / (1 + A) on an image whose tampered fraction is A); the centre prior shows what a data
// set's placement of its forgeries alone is worth, since it never looks at the image.
import type { Mask, ProbabilityMap } from '../data/image.ts';
import { MetricsAccumulator, type ImageInput, type MetricsSummary } from './accumulator.ts';

export function constantPrediction(mask: Mask, value: number): ProbabilityMap {
  return { width: mask.width, height: mask.height, data: new Float32Array(mask.width * mask.height).fill(value) };
}

/**
 * The centre prior at the mask's size: p = 1 − √(u² + v²) / √2, where u and v are a pixel centre's
 * offsets from the image centre in units of half the width and half the height; 1 at the centre,
 * 0 at the corners, above 0.5 inside the ellipse through the midpoints between centre and corners.
 */
export function centrePrior(mask: Mask): ProbabilityMap {
  const { width, height } = mask;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / (height / 2) - 1;
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / (width / 2) - 1;
      data[y * width + x] = 1 - Math.sqrt(u * u + v * v) / Math.SQRT2;
    }
  }
  return { width, height, data };
}

export interface BaselineSummaries {
  allTampered: MetricsSummary;
  allAuthentic: MetricsSummary;
  centrePrior: MetricsSummary;
}

/** The baselines' accumulators, fed with masks and labels only. */
export class Baselines {
  readonly allTampered: MetricsAccumulator;
  readonly allAuthentic: MetricsAccumulator;
  readonly centrePrior: MetricsAccumulator;

  constructor(threshold = 0.5) {
    this.allTampered = new MetricsAccumulator(threshold);
    this.allAuthentic = new MetricsAccumulator(threshold);
    this.centrePrior = new MetricsAccumulator(threshold);
  }

  /** `about`: the image's name and groups, for per-image rows and per-group tables. */
  add(mask: Mask, label?: 0 | 1, about: Pick<ImageInput, 'name' | 'groups'> = {}): void {
    const given = { ...(label !== undefined ? { label } : {}), ...about };
    this.allTampered.add({ mask, ...given, prediction: constantPrediction(mask, 1), score: 1 });
    this.allAuthentic.add({ mask, ...given, prediction: constantPrediction(mask, 0), score: 0 });
    // the same score for every image: the prior says nothing about whether an image is tampered
    this.centrePrior.add({ mask, ...given, prediction: centrePrior(mask), score: 1 });
  }

  summarise(): BaselineSummaries {
    return { allTampered: this.allTampered.summarise(), allAuthentic: this.allAuthentic.summarise(), centrePrior: this.centrePrior.summarise() };
  }
}

export interface SummaryWithBaselines extends BaselineSummaries {
  model: MetricsSummary;
}

/** A model's accumulator and the baselines', fed with the same masks and labels. */
export class EvaluationWithBaselines {
  readonly model: MetricsAccumulator;
  readonly baselines: Baselines;

  constructor(threshold = 0.5) {
    this.model = new MetricsAccumulator(threshold);
    this.baselines = new Baselines(threshold);
  }

  add(input: ImageInput): void {
    this.model.add(input);
    this.baselines.add(input.mask, input.label, { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.groups ? { groups: input.groups } : {}) });
  }

  summarise(): SummaryWithBaselines {
    return { model: this.model.summarise(), ...this.baselines.summarise() };
  }
}
