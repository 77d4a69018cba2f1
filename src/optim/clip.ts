// Gradient clipping by global norm: the scale min(1, maxNorm / ‖g‖) over all gradients, computed on
// the device (no read-back), summing the per-tensor squared norms in parameter order.
import { noGrad, tidy } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { concat } from '../autograd/ops/shape.ts';
import { square } from '../autograd/ops/elementwise.ts';
import { sum } from '../autograd/ops/reduce.ts';
import { clipScaleKernel } from '../kernels/optim.ts';

/** Returns a 2-element tensor [scale, norm] for the gradients given. */
export function globalNormScale(grads: readonly Tensor[], maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new Error(`maxGradNorm must be positive, got ${maxNorm}`);
  return noGrad(() =>
    tidy(() => {
      const sumsq = concat(grads.map((g) => sum(square(g)).view([1])), 0);
      return Tensor.wrap(clipScaleKernel(sumsq.storage, maxNorm));
    }),
  );
}
