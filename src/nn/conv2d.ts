// A 2-D convolution layer: weight [C_out, C_in/groups, k, k] (PyTorch's OIHW) and an optional bias,
// Kaiming-initialised from the given generator.
import { conv2d } from '../autograd/ops/conv.ts';
import { Tensor } from '../autograd/tensor.ts';
import type { Rng } from '../common/rng.ts';
import { kaimingNormal, uniformBias } from './init.ts';
import { Module } from './module.ts';

export interface Conv2dLayerOptions {
  stride?: number;
  /** Default: "same" padding for stride 1, i.e. dilation · (k − 1) / 2. */
  padding?: number;
  dilation?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly stride: number;
  private readonly padding: number;
  private readonly dilation: number;

  constructor(inChannels: number, outChannels: number, kernel: number, rng: Rng, options: Conv2dLayerOptions = {}) {
    super();
    this.stride = options.stride ?? 1;
    this.dilation = options.dilation ?? 1;
    this.padding = options.padding ?? (this.dilation * (kernel - 1)) / 2;
    if (!Number.isInteger(this.padding)) throw new Error(`Conv2d: kernel ${kernel} has no integer "same" padding; pass padding`);
    const shape = [outChannels, inChannels, kernel, kernel];
    this.weight = this.param('weight', Tensor.fromArray(kaimingNormal(shape, rng), shape));
    this.bias = options.bias ? this.param('bias', Tensor.fromArray(uniformBias(outChannels, inChannels * kernel * kernel, rng), [outChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }
}
