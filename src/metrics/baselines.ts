// Trivial baselines reported next to a model's numbers: predict every pixel (and image) tampered,
// or every pixel authentic. They show what a metric gives for no skill at all on the same data
// (e.g. all-tampered reaches F1 = 2A / (1 + A) on an image whose tampered fraction is A).
import type { Mask, ProbabilityMap } from '../data/image.ts';
import { MetricsAccumulator, type ImageInput, type MetricsSummary } from './accumulator.ts';

export function constantPrediction(mask: Mask, value: number): ProbabilityMap {
  return { width: mask.width, height: mask.height, data: new Float32Array(mask.width * mask.height).fill(value) };
}

export interface BaselineSummaries {
  allTampered: MetricsSummary;
  allAuthentic: MetricsSummary;
}

/** The two baselines' accumulators, fed with masks and labels only. */
export class Baselines {
  readonly allTampered: MetricsAccumulator;
  readonly allAuthentic: MetricsAccumulator;

  constructor(threshold = 0.5) {
    this.allTampered = new MetricsAccumulator(threshold);
    this.allAuthentic = new MetricsAccumulator(threshold);
  }

  add(mask: Mask, label?: 0 | 1): void {
    const given = label !== undefined ? { label } : {};
    this.allTampered.add({ mask, ...given, prediction: constantPrediction(mask, 1), score: 1 });
    this.allAuthentic.add({ mask, ...given, prediction: constantPrediction(mask, 0), score: 0 });
  }

  summarise(): BaselineSummaries {
    return { allTampered: this.allTampered.summarise(), allAuthentic: this.allAuthentic.summarise() };
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
    this.baselines.add(input.mask, input.label);
  }

  summarise(): SummaryWithBaselines {
    return { model: this.model.summarise(), ...this.baselines.summarise() };
  }
}
