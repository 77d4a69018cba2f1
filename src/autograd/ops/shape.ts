// Shape ops: reshape (a view), permute/transpose, slice and concat (strided copies).
import { contiguousStrides, gatherStrided, scatterStrided } from '../../kernels/strided.ts';
import { fillKernel } from '../../kernels/elementwise.ts';
import { Storage } from '../../storage/storage.ts';
import { defineOp } from '../registry.ts';
import { Tensor, formatShape, shapeSize, type Shape } from '../tensor.ts';

const reshapeOp = defineOp<number[]>({
  name: 'reshape',
  forward: ([x], shape) => x!.view(shape),
  backward: (g, { inputs: [x] }) => [g.view(x!.shape)],
});

/** Same data, new shape; one dimension may be -1 (inferred). Shares the buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw new Error(`reshape: at most one -1 in ${formatShape(shape)}`);
  const rest = shapeSize(known);
  const full = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : x.size / rest) : d));
  if (shapeSize(full) !== x.size || full.some((d) => !Number.isInteger(d))) {
    throw new Error(`reshape: cannot reshape ${x.describe()} (${x.size} elements) to ${formatShape(shape)}`);
  }
  return reshapeOp([x], full);
}

const permuteOp = defineOp<number[]>({
  name: 'permute',
  forward: ([x], perm) => {
    const strides = contiguousStrides(x!.shape);
    return gatherStrided('permute', x!, { shape: perm.map((p) => x!.shape[p]!), strides: perm.map((p) => strides[p]!), offset: 0 });
  },
  backward: (g, { attrs: perm }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [permute(g, inverse)];
  },
});

/** Output axis i is input axis perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.rank || sorted.some((p, i) => p !== i)) {
    throw new Error(`permute: ${formatShape(perm)} is not a permutation of the axes of ${x.describe()}`);
  }
  return permuteOp([x], [...perm]);
}

export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const perm = x.shape.map((_, i) => i);
  const i = a < 0 ? a + x.rank : a;
  const j = b < 0 ? b + x.rank : b;
  if (perm[i] === undefined || perm[j] === undefined) throw new Error(`transpose: axes ${a}, ${b} out of range for ${x.describe()}`);
  [perm[i], perm[j]] = [j, i];
  return permute(x, perm);
}

interface SliceAttrs {
  begin: number[];
  size: number[];
}

function sliceView(shape: Shape, { begin, size }: SliceAttrs) {
  const strides = contiguousStrides(shape);
  return { shape: size, strides, offset: begin.reduce((o, b, i) => o + b * strides[i]!, 0) };
}

const sliceOp = defineOp<SliceAttrs>({
  name: 'slice',
  forward: ([x], attrs) => gatherStrided('slice', x!, sliceView(x!.shape, attrs)),
  backward: (g, { inputs: [x], attrs }) => {
    const dx = fillKernel(x!.shape, 0);
    scatterStrided('slice-grad', g.storage, dx, sliceView(x!.shape, attrs));
    return [Tensor.wrap(dx)];
  },
});

/** The block [begin, begin + size) along every axis (size -1: to the end). */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  if (begin.length !== x.rank || size.length !== x.rank) {
    throw new Error(`slice: begin ${formatShape(begin)} and size ${formatShape(size)} must have one entry per axis of ${x.describe()}`);
  }
  const full = size.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  full.forEach((s, i) => {
    if (begin[i]! < 0 || s < 0 || begin[i]! + s > x.shape[i]!) {
      throw new Error(`slice: [${begin[i]}, ${begin[i]! + s}) is outside axis ${i} of ${x.describe()}`);
    }
  });
  return sliceOp([x], { begin: [...begin], size: full });
}

const concatOp = defineOp<number>({
  name: 'concat',
  forward: (xs, axis) => {
    const shape = [...xs[0]!.shape];
    shape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
    const out = Storage.empty(shape);
    let at = 0;
    for (const t of xs) {
      const begin = shape.map((_, i) => (i === axis ? at : 0));
      scatterStrided('concat', t, out, sliceView(shape, { begin, size: [...t.shape] }));
      at += t.shape[axis]!;
    }
    return out;
  },
  backward: (g, { inputs, attrs: axis }) => {
    let at = 0;
    return inputs.map((t) => {
      const begin = g.shape.map((_, i) => (i === axis ? at : 0));
      at += t.shape[axis]!;
      return t.requiresGrad ? slice(g, begin, [...t.shape]) : null;
    });
  },
});

/** Joins tensors along an axis; every other dimension must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat: no tensors');
  const rank = xs[0]!.rank;
  const ax = axis < 0 ? axis + rank : axis;
  if (ax < 0 || ax >= rank) throw new Error(`concat: axis ${axis} out of range for rank ${rank}`);
  for (const t of xs) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== ax && d !== xs[0]!.shape[i])) {
      throw new Error(`concat along axis ${ax}: shapes ${formatShape(xs[0]!.shape)} and ${formatShape(t.shape)} do not match`);
    }
  }
  return concatOp(xs, ax);
}
