// Softmax, log-softmax and L2 normalisation along an axis.
//   softmax:      y = e^x / Σ e^x,       dx = y ⊙ (g − Σ g ⊙ y)
//   log-softmax:  y = x − log Σ e^x,     dx = g − e^y ⊙ Σ g
//   l2Normalize:  y = x / sqrt(Σ x² + ε), composed of ops (its gradient follows from theirs).
import { softmaxKernel } from '../../kernels/softmax.ts';
import { defineOp } from '../registry.ts';
import { shapeSize, type Shape, type Tensor } from '../tensor.ts';
import { addScalar, div, exp, mul, sqrt, square, sub } from './elementwise.ts';
import { normaliseAxes, sum } from './reduce.ts';

function lines(x: { shape: Shape }, axis: number): [number, number, number] {
  return [shapeSize(x.shape.slice(0, axis)), x.shape[axis]!, shapeSize(x.shape.slice(axis + 1))];
}

const softmaxOp = defineOp<number>({
  name: 'softmax',
  forward: ([x], axis) => softmaxKernel(x!, ...lines(x!, axis), false),
  backward: (g, { output: y, attrs: axis }) => [mul(y, sub(g, sum(mul(g, y), axis, true)))],
});

const logSoftmaxOp = defineOp<number>({
  name: 'logSoftmax',
  forward: ([x], axis) => softmaxKernel(x!, ...lines(x!, axis), true),
  backward: (g, { output: y, attrs: axis }) => [sub(g, mul(exp(y), sum(g, axis, true)))],
});

function oneAxis(op: string, x: Tensor, axis: number): number {
  return normaliseAxes(op, x.shape, axis)[0]!;
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxOp([x], oneAxis('softmax', x, axis));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return logSoftmaxOp([x], oneAxis('logSoftmax', x, axis));
}

/** Unit vectors along `axis`; ε keeps the gradient finite at x = 0. */
export function l2Normalize(x: Tensor, axis = -1, eps = 1e-12): Tensor {
  return div(x, sqrt(addScalar(sum(square(x), oneAxis('l2Normalize', x, axis), true), eps)));
}
