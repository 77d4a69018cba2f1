// Reductions over axes (sum, mean, max) and the broadcasting pair expand / sumToShape.
// The gradients are written with kernels rather than elementwise ops, whose own gradients need
// sumToShape from here.
import { binaryKernel, broadcastShapes, broadcastStrides, unaryKernel } from '../../kernels/elementwise.ts';
import { reduceKernel, type ReduceOp } from '../../kernels/reduce.ts';
import { gatherStrided } from '../../kernels/strided.ts';
import { defineOp } from '../registry.ts';
import type { Storage } from '../../storage/storage.ts';
import { Tensor, formatShape, shapeSize, type Shape } from '../tensor.ts';

/** Normalised, sorted, distinct axes; undefined means all axes. Negative axes count from the end. */
export function normaliseAxes(op: string, shape: Shape, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    const n = a < 0 ? a + shape.length : a;
    if (!Number.isInteger(n) || n < 0 || n >= shape.length) throw new Error(`${op}: axis ${a} is out of range for shape ${formatShape(shape)}`);
    return n;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}

function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Reduces each run of adjacent axes with one [A, R, B] kernel, last run first. */
function reduceAxes(op: ReduceOp, x: Storage, axes: readonly number[], scale: number): Storage {
  let shape = [...x.shape];
  let current = x;
  const runs: Array<[number, number]> = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  for (let k = runs.length - 1; k >= 0; k--) {
    const [lo, hi] = runs[k]!;
    const A = shapeSize(shape.slice(0, lo));
    const R = shapeSize(shape.slice(lo, hi));
    const B = shapeSize(shape.slice(hi));
    shape = [...shape.slice(0, lo), ...new Array<number>(hi - lo).fill(1), ...shape.slice(hi)];
    const next = reduceKernel(op, current, A, R, B, shape, k === 0 ? scale : 1);
    if (current !== x) current.dispose();
    current = next;
  }
  return current;
}

interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

function resultShape(shape: Shape, { axes, keepDims }: ReduceAttrs): number[] {
  return keepDims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

function reduced(op: ReduceOp, x: Storage, attrs: ReduceAttrs, scale: number): Storage {
  if (attrs.axes.length === 0) return unaryKernel('mulScalar', x, scale);
  const r = reduceAxes(op, x, attrs.axes, scale);
  const shape = resultShape(x.shape, attrs);
  if (formatShape(shape) === formatShape(r.shape)) return r;
  const v = r.view(shape);
  r.dispose();
  return v;
}


/** The output gradient reshaped with the reduced axes kept (size 1), then expanded to `shape`. */
function spread(g: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  const kept = g.view(keptShape(shape, axes));
  const out = expand(kept, shape);
  kept.dispose();
  return out;
}

const sumOp = defineOp<ReduceAttrs>({
  name: 'sum',
  forward: ([x], attrs) => reduced('sum', x!, attrs, 1),
  backward: (g, { inputs: [x], attrs }) => [spread(g, x!.shape, attrs.axes)],
});

const meanOp = defineOp<ReduceAttrs>({
  name: 'mean',
  forward: ([x], attrs) => reduced('sum', x!, attrs, 1 / countOf(x!.shape, attrs.axes)),
  backward: (g, { inputs: [x], attrs }) => {
    const spreadG = spread(g, x!.shape, attrs.axes);
    const dx = Tensor.wrap(unaryKernel('mulScalar', spreadG.storage, 1 / countOf(x!.shape, attrs.axes)));
    spreadG.dispose();
    return [dx];
  },
});

// The gradient goes to the maximal elements, shared equally between ties.
const maxOp = defineOp<ReduceAttrs>({
  name: 'max',
  forward: ([x], attrs) => reduced('max', x!, attrs, 1),
  backward: (g, { inputs: [x], output, attrs }) => {
    const spreadMax = spread(output, x!.shape, attrs.axes);
    const isMax = binaryKernel('equal', x!.storage, spreadMax.storage);
    const count = Tensor.wrap(reduced('sum', isMax, attrs, 1));
    const ties = spread(count, x!.shape, attrs.axes);
    const spreadG = spread(g, x!.shape, attrs.axes);
    const share = binaryKernel('mul', isMax, spreadG.storage);
    const dx = Tensor.wrap(binaryKernel('div', share, ties.storage));
    for (const t of [spreadMax, isMax, count, ties, spreadG, share]) t.dispose();
    return [dx];
  },
});

function countOf(shape: Shape, axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a]!, 1);
}

export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return sumOp([x], { axes: normaliseAxes('sum', x.shape, axes), keepDims });
}
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return meanOp([x], { axes: normaliseAxes('mean', x.shape, axes), keepDims });
}
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return maxOp([x], { axes: normaliseAxes('max', x.shape, axes), keepDims });
}

// expand: broadcast to a larger shape by reading with stride 0 along broadcast axes.
const expandOp = defineOp<number[]>({
  name: 'expand',
  forward: ([x], shape) => gatherStrided('expand', x!, { shape, strides: broadcastStrides(x!.shape, shape), offset: 0 }),
  backward: (g, { inputs: [x] }) => [sumToShape(g, x!.shape)],
});

export function expand(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes('expand', x.shape, shape);
  if (formatShape(target) !== formatShape(shape)) {
    throw new Error(`expand: ${x.describe()} cannot be expanded to ${formatShape(shape)}`);
  }
  return expandOp([x], [...shape]);
}

/** Sums a broadcast result back to `shape` (the inverse of expand for gradients). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (formatShape(g.shape) === formatShape(shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = sum(g, axes, true);
  const out = s.view(shape);
  s.dispose();
  return out;
}
