// Strided copies: permute, slice and expand gather from a strided view; the slice gradient and
// concat scatter into one.
import { Storage, type Shape } from '../storage/storage.ts';
import { MAX_RANK } from './elementwise.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

export interface StridedView {
  /** The iteration shape: the output's for a gather, the source's for a scatter. */
  shape: Shape;
  /** Element strides in the strided side, one per dimension of `shape`. */
  strides: readonly number[];
  offset: number;
}

function params(count: number, view: StridedView): ArrayBuffer {
  if (view.shape.length > MAX_RANK) throw new Error(`strided copy: rank ${view.shape.length} exceeds ${MAX_RANK}`);
  return uniforms()
    .u32(count, view.shape.length, view.offset)
    .u32Vec4Array(view.shape, MAX_RANK)
    .u32Vec4Array(view.strides, MAX_RANK)
    .finish();
}

/** A new contiguous tensor of shape view.shape with out[c] = src[offset + Σ c_d · stride_d]. */
export function gatherStrided(op: string, src: Storage, view: StridedView): Storage {
  const out = Storage.empty(view.shape);
  launch({
    op,
    kernel: itemKernel('strided:gather', 'strided', { GATHER: true }),
    reads: [src],
    writes: [out],
    uniforms: params(out.size, view),
    items: out.size,
  });
  return out;
}

/** Writes src (of shape view.shape) into dst at dst[offset + Σ c_d · stride_d]; dst is modified. */
export function scatterStrided(op: string, src: Storage, dst: Storage, view: StridedView): void {
  launch({
    op,
    kernel: itemKernel('strided:scatter', 'strided', { GATHER: false }),
    reads: [src],
    writes: [dst],
    uniforms: params(src.size, view),
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
