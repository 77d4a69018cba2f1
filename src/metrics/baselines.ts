// Trivial baselines reported next to a model's numbers: predict every pixel (and image) tampered,
// or every pixel authentic. They show what a metric gives for no skill at all on the same data
// (e.g. all-tampered reaches F1 = 2A / (1 + A) on an image whose tampered fraction is A).
import type { Mask, ProbabilityMap } from '../data/image.ts';
import { MetricsAccumulator, type ImageInput, type MetricsSummary } from './accumulator.ts';

export function constantPrediction(mask: Mask, value: number): ProbabilityMap {
  return { width: mask.width, height: mask.height, data: new Float32Array(mask.width * mask.height).fill(value) };
}

export interface SummaryWithBaselines {
  model: MetricsSummary;
  allTampered: MetricsSummary;
  allAuthentic: MetricsSummary;
}

/** A model's accumulator and the two baselines', fed with the same masks and labels. */
export class EvaluationWithBaselines {
  readonly model: MetricsAccumulator;
  readonly allTampered: MetricsAccumulator;
  readonly allAuthentic: MetricsAccumulator;

  constructor(threshold = 0.5) {
    this.model = new MetricsAccumulator(threshold);
    this.allTampered = new MetricsAccumulator(threshold);
    this.allAuthentic = new MetricsAccumulator(threshold);
  }

  add(input: ImageInput): void {
    this.model.add(input);
    const { mask, label } = input;
    this.allTampered.add({ mask, label, prediction: constantPrediction(mask, 1), score: 1 });
    this.allAuthentic.add({ mask, label, prediction: constantPrediction(mask, 0), score: 0 });
  }

  summarise(): SummaryWithBaselines {
    return { model: this.model.summarise(), allTampered: this.allTampered.summarise(), allAuthentic: this.allAuthentic.summarise() };
  }
}
