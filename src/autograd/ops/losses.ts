// Segmentation losses, mean-reduced, with gradients.
//   softmaxCrossEntropy: L = Σ_pixels w_t·(−log softmax(z)_t) / Σ_pixels w_t   (PyTorch's weighted
//     mean; w_t = class weight of the pixel's target, 0 for ignored pixels), dz = w_t·(p − onehot)/Σw
//   bceWithLogits: L = mean of (1 − t)·x + lw·log(1 + e^−x), lw = 1 + (pos_weight − 1)·t
// Both sums run in the fixed order of the reduce kernel.
import { fillKernel } from '../../kernels/elementwise.ts';
import { bceKernel, pixelCrossEntropyGradKernel, pixelCrossEntropyKernel, type CrossEntropySpec } from '../../kernels/losses.ts';
import type { Storage } from '../../storage/storage.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { div } from './elementwise.ts';
import { mean, sum } from './reduce.ts';

interface PixelCeAttrs extends CrossEntropySpec {
  classWeight: Storage;
}

/** Per-pixel weighted cross-entropy [N, ...spatial]; the target is a constant. */
const pixelCrossEntropyOp = defineOp<PixelCeAttrs>({
  name: 'pixelCrossEntropy',
  forward: ([z, t], a) => pixelCrossEntropyKernel(z!, t!, a.classWeight, a, false),
  backward: (g, { inputs: [z, t], attrs: a }) => [Tensor.wrap(pixelCrossEntropyGradKernel(z!.storage, t!.storage, a.classWeight, g.storage, a)), null],
});

export interface CrossEntropyOptions {
  /** Target value to leave out (PyTorch's ignore_index), e.g. 255. */
  ignoreIndex?: number;
  /** [C] weights per class. */
  classWeights?: Tensor;
}

/**
 * Mean softmax cross-entropy over the channels (axis 1) of logits [N, C, ...] against class
 * indices [N, ...] stored as floats. Targets outside [0, C) count as ignored. If every pixel is
 * ignored the result is NaN (0/0), as in PyTorch.
 */
export function softmaxCrossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const C = logits.shape[1] ?? 0;
  if (options.classWeights && (options.classWeights.rank !== 1 || options.classWeights.shape[0] !== C)) {
    throw new Error(`softmaxCrossEntropy: classWeights ${options.classWeights.describe()} must have one value per class (${C})`);
  }
  // Lives as long as the enclosing scope: the backward pass reads it.
  const classWeight = (options.classWeights ?? Tensor.wrap(fillKernel([C], 1))).storage;
  const attrs = { ignoreIndex: options.ignoreIndex ?? null, classWeight };
  const perPixel = pixelCrossEntropyOp([logits, target], attrs);
  const weights = Tensor.wrap(pixelCrossEntropyKernel(logits.storage, target.storage, classWeight, attrs, true));
  const loss = div(sum(perPixel), sum(weights));
  weights.dispose();
  return loss;
}

interface BceAttrs {
  posWeight: number;
}

const bceOp = defineOp<BceAttrs>({
  name: 'bceWithLogits',
  forward: ([x, t], a) => bceKernel('value', x!, t!, x!, a.posWeight),
  backward: (g, { inputs: [x, t], attrs: a }) => [
    x!.requiresGrad ? Tensor.wrap(bceKernel('dLogits', x!.storage, t!.storage, g.storage, a.posWeight)) : null,
    t!.requiresGrad ? Tensor.wrap(bceKernel('dTargets', x!.storage, t!.storage, g.storage, a.posWeight)) : null,
  ],
});

/** Mean binary cross-entropy with logits; targets in [0, 1] of the same shape; optional positive weight. */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: { posWeight?: number } = {}): Tensor {
  return mean(bceOp([logits, targets], { posWeight: options.posWeight ?? 1 }));
}
