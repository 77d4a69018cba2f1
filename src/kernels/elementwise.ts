// Elementwise kernels: unary maps with a scalar parameter, binary maps with broadcasting, fill.
import { Storage, formatShape, type Shape } from '../storage/storage.ts';
import { FILL } from '../runtime/builtin-kernels.ts';
import { declaredKernel, launch, shader } from './launch.ts';

export const UNARY = shader('unary', { reads: { src: 'f32' }, writes: { dst: 'f32' }, params: { p: 'f32' }, perItem: true });
/** shape, strideA, strideB: the output's shape and each input's strides over it (0 along a
 *  broadcast axis), MAX_RANK values each. */
const BINARY = shader('binary', { reads: { lhs: 'f32', rhs: 'f32' }, writes: { dst: 'f32' }, params: { rank: 'u32', shape: 'vec4u[2]', strideA: 'vec4u[2]', strideB: 'vec4u[2]' }, perItem: true });

/** WGSL expressions of x and p for the unary kernel (shaders/unary.wgsl). */
export const UNARY_EXPR = {
  neg: '-x',
  exp: 'exp(x)',
  log: 'log(x)',
  sqrt: 'sqrt(x)',
  rsqrt: 'inverseSqrt(x)',
  abs: 'abs(x)',
  square: 'x * x',
  reciprocal: '1.0 / x',
  pow: 'pow_scalar(x, p)',
  relu: 'max(x, 0.0)',
  step: 'select(0.0, 1.0, x > 0.0)',
  sigmoid: 'sigmoid(x)',
  tanh: 'tanh(clamp(x, -15.0, 15.0))',
  addScalar: 'x + p',
  mulScalar: 'x * p',
  copy: 'x',
} as const;
export type UnaryOp = keyof typeof UNARY_EXPR;

/** WGSL expressions of a and b for the binary kernel (shaders/binary.wgsl). */
export const BINARY_EXPR = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  maximum: 'max(a, b)',
  equal: 'select(0.0, 1.0, a == b)',
  greater: 'select(0.0, 1.0, a > b)',
} as const;
export type BinaryOp = keyof typeof BINARY_EXPR;

export function unaryKernel(op: UnaryOp, x: Storage, p = 0): Storage {
  const out = Storage.empty(x.shape);
  launch({
    op,
    kernel: declaredKernel(UNARY, `unary:${op}`, { EXPR: UNARY_EXPR[op] }),
    reads: { src: x },
    writes: { dst: out },
    params: { p },
    items: x.size,
  });
  return out;
}

export const MAX_RANK = 8;

/** The NumPy broadcast of two shapes; throws naming both when they are incompatible. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  if (rank > MAX_RANK) throw new Error(`${op}: rank ${rank} exceeds the supported ${MAX_RANK}`);
  return out;
}

/** Row-major strides of `shape` seen through the broadcast `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = outShape.length - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

export function binaryKernel(op: BinaryOp, a: Storage, b: Storage): Storage {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = Storage.empty(shape);
  const same = formatShape(a.shape) === formatShape(b.shape);
  launch({
    op,
    kernel: declaredKernel(BINARY, `binary:${op}`, { EXPR: BINARY_EXPR[op], BROADCAST: !same }),
    reads: { lhs: a, rhs: b },
    writes: { dst: out },
    params: { rank: shape.length, shape, strideA: broadcastStrides(a.shape, shape), strideB: broadcastStrides(b.shape, shape) },
    items: out.size,
  });
  return out;
}

export function fillKernel(shape: Shape, value: number): Storage {
  const out = Storage.empty(shape);
  launch({
    op: 'fill',
    kernel: declaredKernel(FILL, 'fill'),
    reads: {},
    writes: { dst: out },
    params: { value },
    items: out.size,
  });
  return out;
}
