// Strided copies: permute, slice and expand gather from a strided view; the slice gradient and
// concat scatter into one.
import { Storage, type Shape } from '../storage/storage.ts';
import { MAX_RANK } from './elementwise.ts';
import { declaredKernel, launch, shader } from './launch.ts';

export interface StridedView {
  /** The iteration shape: the output's for a gather, the source's for a scatter. */
  shape: Shape;
  /** Element strides in the strided side, one per dimension of `shape`. */
  strides: readonly number[];
  offset: number;
}

/** The strided side's offset, and the iteration shape and strides, MAX_RANK values each (rank
 *  of them used). The constant GATHER chooses the direction of the copy. */
const STRIDED = shader('strided', { reads: { src: 'f32' }, writes: { dst: 'f32' }, params: { rank: 'u32', offset: 'u32', shape: 'vec4u[2]', strides: 'vec4u[2]' }, perItem: true });

function params(view: StridedView) {
  if (view.shape.length > MAX_RANK) throw new Error(`strided copy: rank ${view.shape.length} exceeds ${MAX_RANK}`);
  return { rank: view.shape.length, offset: view.offset, shape: view.shape, strides: view.strides };
}

/** A new contiguous tensor of shape view.shape with out[c] = src[offset + Σ c_d · stride_d]. */
export function gatherStrided(op: string, src: Storage, view: StridedView): Storage {
  const out = Storage.empty(view.shape);
  launch({
    op,
    kernel: declaredKernel(STRIDED, 'strided:gather', { GATHER: true }),
    reads: { src },
    writes: { dst: out },
    params: params(view),
    items: out.size,
  });
  return out;
}

/** Writes src (of shape view.shape) into dst at dst[offset + Σ c_d · stride_d]; dst is modified. */
export function scatterStrided(op: string, src: Storage, dst: Storage, view: StridedView): void {
  launch({
    op,
    kernel: declaredKernel(STRIDED, 'strided:scatter', { GATHER: false }),
    reads: { src },
    writes: { dst },
    params: params(view),
    items: src.size,
  });
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}
