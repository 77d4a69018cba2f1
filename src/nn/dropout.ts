// Dropout as a layer (training only): y = x · m / (1 − p), m ~ Bernoulli(1 − p) per element, drawn
// on the device from a (seed, counter) key (src/autograd/ops/dropout.ts). The layers of a network
// share one stream, which the trainer replaces every micro-batch with a generator seeded from
// (run seed, step, micro-batch): a step's masks depend on nothing else, so a resumed run redraws them.
import { DropoutGenerator, dropout } from '../autograd/ops/dropout.ts';
import type { Tensor } from '../autograd/tensor.ts';
import { Module } from './module.ts';

export interface DropoutStream {
  generator: DropoutGenerator;
}

export function dropoutStream(seed = 0): DropoutStream {
  return { generator: new DropoutGenerator(seed) };
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
    return dropout(x, this.p, this.stream.generator, this.training);
  }
}
