// Overwrites a tensor's values on the device with another's (same size): how state such as BN
// running statistics is updated in place without a read-back.
import type { Tensor } from '../autograd/tensor.ts';
import { elementwiseGroups, ELEMENTWISE_WG, kernel, launch } from '../kernels/launch.ts';
import { uniforms } from '../kernels/uniforms.ts';
import { UNARY_EXPR } from '../kernels/elementwise.ts';

export function copyInto(source: Tensor, target: Tensor): void {
  if (source.size !== target.size) throw new Error(`copyInto: ${source.describe()} does not fit ${target.describe()}`);
  launch({
    op: 'copyInto',
    kernel: kernel('unary:copy', 'unary', { EXPR: UNARY_EXPR.copy, WG: ELEMENTWISE_WG }),
    reads: [source],
    writes: [target],
    uniforms: uniforms().u32(source.size).f32(0).finish(),
    workgroups: elementwiseGroups(source.size),
  });
}
