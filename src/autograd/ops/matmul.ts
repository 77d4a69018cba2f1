// Matrix product with gradients. C = op(A)·op(B), op = identity or transpose, batched over leading
// axes (a 2-D operand is shared by every batch of the other).
//   dop(A) = G·op(B)ᵀ,  dop(B) = op(A)ᵀ·G;  for a transposed operand the gradient is transposed back.
import { matmulKernel } from '../../kernels/matmul.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { sum } from './reduce.ts';

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

/** Sums a batched gradient over its batch axes when the operand was a shared 2-D matrix. */
function unbatch(g: Tensor, operand: Tensor): Tensor {
  if (g.rank === operand.rank) return g;
  const axes = g.shape.slice(0, g.rank - operand.rank).map((_, i) => i);
  const s = sum(g, axes);
  g.dispose();
  return s;
}

const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], { transA, transB }) => matmulKernel({ a: a!, b: b!, transA, transB }),
  backward: (g, { inputs: [a, b], attrs: { transA, transB } }) => {
    const da = !a!.requiresGrad
      ? null
      : transA
        ? matmulKernel({ a: b!.storage, b: g.storage, transA: transB, transB: true })
        : matmulKernel({ a: g.storage, b: b!.storage, transA: false, transB: !transB });
    const db = !b!.requiresGrad
      ? null
      : transB
        ? matmulKernel({ a: g.storage, b: a!.storage, transA: true, transB: transA })
        : matmulKernel({ a: a!.storage, b: g.storage, transA: !transA, transB: false });
    return [da && unbatch(Tensor.wrap(da), a!), db && unbatch(Tensor.wrap(db), b!)];
  },
});

export function matmul(a: Tensor, b: Tensor, options: Partial<MatmulAttrs> = {}): Tensor {
  return matmulOp([a, b], { transA: options.transA ?? false, transB: options.transB ?? false });
}
