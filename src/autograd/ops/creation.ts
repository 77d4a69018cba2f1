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

/** A u32 tensor of words a kernel binds, `width` per row: one zero row where there are none,
 *  since a binding cannot be empty (the kernel is told the real count). */
export function wordTensor(words: ArrayLike<number>, width = 1): Tensor {
  const data = words.length ? words : new Uint32Array(width);
  return Tensor.fromArray(data, width === 1 ? [data.length] : [data.length / width, width], { dtype: 'u32' });
}

export const zeros = (shape: Shape, options?: { requiresGrad?: boolean }) => full(shape, 0, options);
export const ones = (shape: Shape, options?: { requiresGrad?: boolean }) => full(shape, 1, options);
