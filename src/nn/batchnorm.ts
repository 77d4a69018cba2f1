// Batch normalisation over N, H, W per channel as a layer (PyTorch's BatchNorm2d; state names
// weight, bias, running_mean, running_var). Training: batch statistics, and the running ones
// updated with momentum 0.1; eval: the running statistics (the op: src/autograd/ops/batchnorm.ts).
// forwardRelu is relu(forward(x)) in the same kernels.
import { batchNorm2d } from '../autograd/ops/batchnorm.ts';
import { Tensor } from '../autograd/tensor.ts';
import { Module } from './module.ts';

/** PyTorch's defaults, which DeepLabV3+ keeps. */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(
    readonly channels: number,
    readonly eps = BN_EPS,
    readonly momentum = BN_MOMENTUM,
  ) {
    super();
    this.weight = this.param('weight', Tensor.fromArray(new Float32Array(channels).fill(1), [channels]));
    this.bias = this.param('bias', Tensor.fromArray(new Float32Array(channels), [channels]));
    this.runningMean = this.buffer('running_mean', Tensor.fromArray(new Float32Array(channels), [channels]));
    this.runningVar = this.buffer('running_var', Tensor.fromArray(new Float32Array(channels).fill(1), [channels]));
  }

  forward(x: Tensor): Tensor {
    return this.apply(x, false);
  }

  /** relu(forward(x)), the ReLU fused into the normalisation's kernels. */
  forwardRelu(x: Tensor): Tensor {
    return this.apply(x, true);
  }

  private apply(x: Tensor, relu: boolean): Tensor {
    if (this.training && x.size / this.channels < 2) {
      throw new Error(`BatchNorm2d in training mode needs more than one value per channel, got ${x.describe()} (use a batch of at least 2)`);
    }
    return batchNorm2d(x, this.weight, this.bias, { training: this.training, runningMean: this.runningMean, runningVar: this.runningVar, momentum: this.momentum, eps: this.eps, relu });
  }
}
