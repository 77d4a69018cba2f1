// Tensors made from values: from an array, or filled with one value.
import { fillKernel } from '../../kernels/elementwise.ts';
import { Tensor, type DType, type Shape } from '../tensor.ts';

/** A tensor from values (row-major) and a shape. */
export function tensor(data: ArrayLike<number>, shape: Shape, options: { requiresGrad?: boolean; name?: string; dtype?: DType } = {}): Tensor {
  return Tensor.fromArray(data, shape, options);
}

export function full(shape: Shape, value: number, options: { requiresGrad?: boolean } = {}): Tensor {
  const t = Tensor.wrap(fillKernel(shape, value));
  t.requiresGrad = options.requiresGrad ?? false;
  return t;
}

export const zeros = (shape: Shape, options?: { requiresGrad?: boolean }) => full(shape, 0, options);
export const ones = (shape: Shape, options?: { requiresGrad?: boolean }) => full(shape, 1, options);
