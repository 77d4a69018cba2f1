// 2-D batch normalisation over (N, H, W) per channel, with gradients for input, weight and bias.
//   y = (x − μ)/sqrt(σ² + eps)·w + b
// Training: μ, σ² are the batch's (biased variance), and the running statistics are updated in
// place with momentum m (running ← (1 − m)·running + m·batch, unbiased variance as in PyTorch).
// Eval: μ, σ² are the running statistics.
// Training saves the batch statistics [μ; σ²] for the backward pass; dw = Σ g·x̂, db = Σ g.
// With `relu` the op is relu(batchNorm2d(x)) in one pass, and its backward takes g·[y > 0] (y the
// op's output) inside the same kernels.
import {
  batchNormInputGradKernel,
  batchNormKernel,
  batchNormParamGradKernel,
  batchStatsKernel,
  channelLayout,
  channelSumsKernel,
  runningStatsKernel,
  type ChannelStats,
} from '../../kernels/batchnorm.ts';
import { defineOp } from '../registry.ts';
import type { Storage } from '../../storage/storage.ts';
import { Tensor } from '../tensor.ts';

export interface BatchNormOptions {
  /** Batch statistics (and a running-statistics update) when true; running statistics when false. */
  training: boolean;
  /** [C] tensors updated in place in training; required in eval mode. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Weight of the new batch in the running statistics (PyTorch's default 0.1). */
  momentum?: number;
  eps?: number;
  /** Follow with a ReLU in the same kernels (forward and backward). */
  relu?: boolean;
}

interface BatchNormAttrs {
  training: boolean;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  momentum: number;
  eps: number;
  relu: boolean;
}

/** The statistics to normalise with: the batch's [2, C] (training) or the running ones. */
function statistics(batch: Storage | null, a: BatchNormAttrs, C: number): ChannelStats {
  if (!batch) return { mean: a.runningMean!.storage, variance: a.runningVar!.storage, varOffset: 0 };
  return { mean: batch, variance: batch, varOffset: C };
}

const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm2d',
  forward: ([x, w, b], a) => {
    const l = channelLayout(x!);
    const batch = a.training ? batchStatsKernel(x!, l) : null;
    if (batch && a.runningMean && a.runningVar) runningStatsKernel(batch, a.runningMean.storage, a.runningVar.storage, a.momentum, l);
    const y = batchNormKernel(x!, statistics(batch, a, l.C), w!, b!, a.eps, l, a.relu);
    return { output: y, saved: batch ? [batch] : [] };
  },
  backward: (g, { inputs: [x, w, b], output, attrs: a, saved: [batch] }) => {
    const xs = x!.storage;
    const l = channelLayout(xs);
    const stats = statistics(batch?.storage ?? null, a, l.C);
    const reluOut = a.relu ? output.storage : null;
    const sums = Tensor.wrap(channelSumsKernel(g.storage, xs, stats.mean, false, l, 1, reluOut));
    const dx = x!.requiresGrad ? Tensor.wrap(batchNormInputGradKernel(xs, g.storage, stats, w!.storage, sums.storage, a.eps, a.training, l, reluOut)) : null;
    const paramGrads = batchNormParamGradKernel(sums.storage, stats, a.eps, l);
    sums.dispose();
    const [dw, db] = [w!, b!].map((p, i) => (p.requiresGrad ? Tensor.wrap(paramGrads[i]!) : (paramGrads[i]!.dispose(), null)));
    return [dx, dw!, db!];
  },
});

/** batchNorm2d(x [N, C, H, W], weight [C], bias [C], options) → [N, C, H, W] (with options.relu:
 *  relu of that). */
export function batchNorm2d(x: Tensor, weight: Tensor, bias: Tensor, options: BatchNormOptions): Tensor {
  const { C } = channelLayout(x);
  for (const [name, t] of [['weight', weight], ['bias', bias], ['runningMean', options.runningMean], ['runningVar', options.runningVar]] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== C)) throw new Error(`batchNorm2d: ${name} ${t.describe()} must have one value per channel (${C})`);
  }
  if (!options.training && !(options.runningMean && options.runningVar)) {
    throw new Error('batchNorm2d: eval mode needs runningMean and runningVar');
  }
  if (!!options.runningMean !== !!options.runningVar) throw new Error('batchNorm2d: give both runningMean and runningVar, or neither');
  return batchNormOp([x, weight, bias], {
    training: options.training,
    runningMean: options.runningMean ?? null,
    runningVar: options.runningVar ?? null,
    momentum: options.momentum ?? 0.1,
    eps: options.eps ?? 1e-5,
    relu: options.relu ?? false,
  });
}
