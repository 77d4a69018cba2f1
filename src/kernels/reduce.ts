// Sum and max over one axis range, as a reduction over the middle of an [A, R, B] view.
import { Storage } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

/** Below this many outputs a long reduction is split into chunks and reduced twice. */
const PARALLEL_TARGET = 8192;
const MIN_CHUNK = 64;

export type ReduceOp = 'sum' | 'max';

function pass(op: ReduceOp, x: Storage, A: number, R: number, B: number, nchunks: number, scale: number, shape: readonly number[]): Storage {
  const chunk = Math.ceil(R / nchunks);
  const out = Storage.empty(shape);
  launch({
    op: `${op}-reduce`,
    kernel: itemKernel(`reduce:${op}`, 'reduce', { OP: op === 'sum' ? 'sum' : 'max', INIT: op === 'sum' ? '0.0' : '-3.4028234e38' }, 64),
    reads: [x],
    writes: [out],
    uniforms: uniforms().u32(A, R, B, chunk, nchunks).f32(scale).finish(),
    items: A * nchunks * B,
  });
  return out;
}

/**
 * Reduces x viewed as [A, R, B] over R into an [A, B] tensor (as `outShape`), multiplied by `scale`.
 * Order of accumulation is fixed: each chunk in increasing r, then the chunks in increasing order.
 */
export function reduceKernel(op: ReduceOp, x: Storage, A: number, R: number, B: number, outShape: readonly number[], scale = 1): Storage {
  if (R === 0) throw new Error(`${op}: cannot reduce over an empty axis of ${x.describe()}`);
  const outputs = A * B;
  let nchunks = 1;
  if (outputs < PARALLEL_TARGET && R > 2 * MIN_CHUNK) {
    nchunks = Math.min(Math.floor(PARALLEL_TARGET / outputs), Math.ceil(R / MIN_CHUNK));
  }
  // Within the CPU adapters' loop budget by construction: for any tensor that fits a 128 MiB
  // binding, neither pass sums more than about 8192 terms per invocation.
  if (nchunks <= 1) return pass(op, x, A, R, B, 1, scale, outShape);
  const partial = pass(op, x, A, R, B, nchunks, 1, [A, nchunks, B]);
  const out = pass(op, partial, A, nchunks, B, 1, scale, outShape);
  partial.dispose();
  return out;
}
