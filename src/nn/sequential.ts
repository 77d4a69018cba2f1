// Layers applied in order, numbered from 0 like PyTorch's nn.Sequential: parameterless steps (ReLU,
// dropout, pooling) take a number too, so the numbering of the parameters matches a PyTorch state
// dict ("decoder.last_conv.4.weight" is the fifth step of last_conv). A batch norm followed by
// relu runs as one fused step (BatchNorm2d.forwardRelu).
import { relu } from '../autograd/ops/elementwise.ts';
import type { Tensor } from '../autograd/tensor.ts';
import { BatchNorm2d } from './batchnorm.ts';
import { Module } from './module.ts';

/** A module with a single-input forward pass. */
export interface Layer extends Module {
  forward(x: Tensor): Tensor;
}

export type Step = Layer | ((x: Tensor) => Tensor);

export class Sequential extends Module {
  private readonly steps: Step[];

  constructor(steps: Step[]) {
    super();
    this.steps = steps;
    steps.forEach((s, i) => {
      if (s instanceof Module) this.child(String(i), s);
    });
  }

  get length(): number {
    return this.steps.length;
  }

  /** The step at index i (throws when it is a function, not a module). */
  layer(i: number): Layer {
    const s = this.steps[i];
    if (!(s instanceof Module)) throw new Error(`Sequential step ${i} is not a layer`);
    return s;
  }

  forward(x: Tensor): Tensor {
    return this.forwardPrefix(x, this.steps.length);
  }

  /** Applies the first `count` steps only. */
  forwardPrefix(x: Tensor, count: number): Tensor {
    let y = x;
    for (let i = 0; i < Math.min(count, this.steps.length); i++) {
      const s = this.steps[i]!;
      if (s instanceof BatchNorm2d && i + 1 < count && this.steps[i + 1] === relu) {
        y = s.forwardRelu(y);
        i++;
      } else {
        y = s instanceof Module ? s.forward(y) : s(y);
      }
    }
    return y;
  }
}
