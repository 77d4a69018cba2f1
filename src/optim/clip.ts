// Gradient clipping by global norm: the scale min(1, maxNorm / ‖g‖) over all gradients, computed on
// the device (no read-back) in a few dispatches whatever the number of gradients (see
// clipScaleKernel), with one fixed order of accumulation.
import { noGrad } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { clipScaleKernel } from '../kernels/optim.ts';

/** Returns a 2-element tensor [scale, norm] for the gradients given. */
export function globalNormScale(grads: readonly Tensor[], maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new Error(`maxGradNorm must be positive, got ${maxNorm}`);
  return noGrad(() => Tensor.wrap(clipScaleKernel(grads.map((g) => g.storage), maxNorm)));
}
