// Batch normalisation over N, H, W per channel (PyTorch's BatchNorm2d; state names weight, bias,
// running_mean, running_var):
//   training: y = (x − μ_B) / √(σ²_B + ε) · γ + β,  μ_B, σ²_B (biased) over the batch;
//             running ← (1 − m) · running + m · batch statistic (unbiased variance), m = 0.1
//   eval:     the same with the running statistics.
// Written as a composition of engine ops (their gradients give BN's backward).
import { add, addScalar, mul, mulScalar, sqrt, sub, div, square } from '../autograd/ops/elementwise.ts';
import { mean } from '../autograd/ops/reduce.ts';
import { reshape } from '../autograd/ops/shape.ts';
import { noGrad, tidy } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { copyInto } from './copy-into.ts';
import { Module } from './module.ts';

export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(
    readonly channels: number,
    readonly eps = 1e-5,
    readonly momentum = 0.1,
  ) {
    super();
    this.weight = this.param('weight', Tensor.fromArray(new Float32Array(channels).fill(1), [channels]));
    this.bias = this.param('bias', Tensor.fromArray(new Float32Array(channels), [channels]));
    this.runningMean = this.buffer('running_mean', Tensor.fromArray(new Float32Array(channels), [channels]));
    this.runningVar = this.buffer('running_var', Tensor.fromArray(new Float32Array(channels).fill(1), [channels]));
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.channels) throw new Error(`BatchNorm2d(${this.channels}): input must be [N, ${this.channels}, H, W], got ${x.describe()}`);
    const perChannel = [1, this.channels, 1, 1];
    let mu: Tensor;
    let variance: Tensor;
    if (this.training) {
      const count = x.size / this.channels;
      if (count < 2) throw new Error(`BatchNorm2d in training mode needs more than one value per channel, got ${x.describe()}`);
      mu = mean(x, [0, 2, 3], true);
      variance = mean(square(sub(x, mu)), [0, 2, 3], true);
      this.updateRunningStats(mu, variance, count);
    } else {
      mu = reshape(this.runningMean, perChannel);
      variance = reshape(this.runningVar, perChannel);
    }
    const normalised = div(sub(x, mu), sqrt(addScalar(variance, this.eps)));
    return add(mul(normalised, reshape(this.weight, perChannel)), reshape(this.bias, perChannel));
  }

  private updateRunningStats(mu: Tensor, variance: Tensor, count: number): void {
    const m = this.momentum;
    noGrad(() =>
      tidy(() => {
      const newMean = add(mulScalar(this.runningMean, 1 - m), mulScalar(reshape(mu, [this.channels]), m));
      const newVar = add(mulScalar(this.runningVar, 1 - m), mulScalar(reshape(variance, [this.channels]), (m * count) / (count - 1)));
      copyInto(newMean, this.runningMean);
      copyInto(newVar, this.runningVar);
      }),
    );
  }
}
