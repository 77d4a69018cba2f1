// Dropout (training only): y = x · m / (1 − p), m ~ Bernoulli(1 − p) per element. The mask is drawn
// on the host from a shared seeded stream that the trainer re-seeds every step, so a step's masks
// depend only on the run's seed and the step number (and a resumed run draws the same ones).
import { mul } from '../autograd/ops/elementwise.ts';
import { Tensor } from '../autograd/tensor.ts';
import type { Rng } from '../data/rng.ts';
import { Module } from './module.ts';

export interface DropoutStream {
  rng: Rng;
}

export class Dropout extends Module {
  constructor(
    readonly p: number,
    private readonly stream: DropoutStream,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`dropout rate must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const rng = this.stream.rng;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < keep ? 1 / keep : 0;
    return mul(x, Tensor.fromArray(mask, x.shape));
  }
}
