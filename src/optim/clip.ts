// Gradient clipping by global norm: the scale min(1, maxNorm / ‖g‖) over all gradients, computed on
// the device (no read-back), summing the per-tensor squared norms in parameter order.
import { noGrad, tidy } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { concat } from '../autograd/ops/shape.ts';
import { square } from '../autograd/ops/elementwise.ts';
import { sum } from '../autograd/ops/reduce.ts';
import { kernel, launch } from '../kernels/launch.ts';
import { uniforms } from '../kernels/uniforms.ts';

/** Returns a 2-element tensor [scale, norm] for the gradients given. */
export function globalNormScale(grads: readonly Tensor[], maxNorm: number): Tensor {
  if (!(maxNorm > 0)) throw new Error(`maxGradNorm must be positive, got ${maxNorm}`);
  return noGrad(() =>
    tidy(() => {
      const sumsq = concat(grads.map((g) => sum(square(g)).view([1])), 0);
      const out = Tensor.empty([2]);
      launch({
        op: 'clipScale',
        kernel: kernel('clipScale', 'clip_scale'),
        reads: [sumsq],
        writes: [out],
        uniforms: uniforms().u32(grads.length).f32(maxNorm).finish(),
        workgroups: 1,
      });
      return out;
    }),
  );
}
