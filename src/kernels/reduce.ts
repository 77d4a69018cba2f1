// Sum and max over one axis range, as a reduction over the middle of an [A, R, B] view: one
// invocation per output (reduce.wgsl), or, where the reduced axis is the contiguous one (B = 1)
// and the profile's variant says so, workgroups reading each row's neighbouring addresses
// together (reduce_rows.wgsl).
import { Storage } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { VariantFamily } from './variants.ts';

/** Below this many outputs a long reduction is split into chunks and reduced twice. */
const PARALLEL_TARGET = 8192;
const MIN_CHUNK = 64;

export type ReduceOp = 'sum' | 'max';

/** One invocation per output o of the [A, nchunks, B] result: chunk c = (o / B) % nchunks of
 *  `chunk` consecutive r, times scale. */
const BY_INVOCATION = shader('reduce', { reads: { src: 'f32' }, writes: { dst: 'f32' }, params: { R: 'u32', B: 'u32', chunk: 'u32', nchunks: 'u32', scale: 'f32' }, perItem: true });
/** One workgroup per output w of the [A, nchunks] result: chunk w % nchunks of row w / nchunks,
 *  times scale. */
const BY_WORKGROUP = shader('reduce_rows', { reads: { src: 'f32' }, writes: { dst: 'f32' }, params: { A: 'u32', R: 'u32', chunk: 'u32', nchunks: 'u32', scale: 'f32' } });
/** The shaders reduceKernel may dispatch: part of the tuning key of every family that calls it. */
export const REDUCE_SHADERS = [BY_INVOCATION.file, BY_WORKGROUP.file] as const;

const SPECIALISED = { sum: { OP: 'sum', INIT: '0.0' }, max: { OP: 'max', INIT: '-3.4028234e38' } } as const;

/** How a reduction over the contiguous axis (B = 1) runs: one invocation per output reading its
 *  row in order (a CPU adapter's cache follows each invocation), or workgroups of `wg`
 *  invocations, each folding every wg-th value of a piece of `wg`·`per` values and the workgroup
 *  in a tree (a GPU reads each step's values in one coalesced access). Rows shorter than a
 *  workgroup are reduced by invocations either way. */
export type RowsVariant = { by: 'invocation' } | { by: 'workgroup'; wg: number; per: number };

/** CPU: one invocation per output (barriers are costly on CPU adapters, bench/RESULTS.md). GPU:
 *  workgroups of 256 over pieces of 4096 values — not measured on a GPU yet. */
export const REDUCE_ROWS = new VariantFamily<RowsVariant>({ cpu: { by: 'invocation' }, gpu: { by: 'workgroup', wg: 256, per: 16 } });

function pass(op: ReduceOp, x: Storage, A: number, R: number, B: number, nchunks: number, scale: number, shape: readonly number[]): Storage {
  const chunk = Math.ceil(R / nchunks);
  const out = Storage.empty(shape);
  launch({
    op: `${op}-reduce`,
    kernel: declaredKernel(BY_INVOCATION, `reduce:${op}`, { ...SPECIALISED[op], WG: 64 }),
    reads: { src: x },
    writes: { dst: out },
    params: { R, B, chunk, nchunks, scale },
    items: A * nchunks * B,
  });
  return out;
}

/** One workgroup pass of reduce_rows.wgsl over pieces of `chunk` values of each row. */
function rowsPass(op: ReduceOp, x: Storage, A: number, R: number, chunk: number, wg: number, scale: number, shape: readonly number[]): Storage {
  const nchunks = Math.ceil(R / chunk);
  const out = Storage.empty(shape);
  launch({
    op: `${op}-reduce-rows`,
    kernel: declaredKernel(BY_WORKGROUP, `reduceRows:${op}[wg=${wg}]`, { ...SPECIALISED[op], WG: wg }),
    reads: { src: x },
    writes: { dst: out },
    params: { A, R, chunk, nchunks, scale },
    workgroups: A * nchunks,
  });
  return out;
}

/** Rows of R values by workgroups: pieces of wg·per values, then, where a row has several, one
 *  workgroup per row over its pieces; the order of accumulation is fixed by R, wg and per. */
function reduceRows(op: ReduceOp, x: Storage, A: number, R: number, v: { wg: number; per: number }, outShape: readonly number[], scale: number): Storage {
  const piece = v.wg * v.per;
  if (R <= piece) return rowsPass(op, x, A, R, R, v.wg, scale, outShape);
  const nchunks = Math.ceil(R / piece);
  const partial = rowsPass(op, x, A, R, piece, v.wg, 1, [A, nchunks]);
  const out = rowsPass(op, partial, A, nchunks, nchunks, v.wg, scale, outShape);
  partial.dispose();
  return out;
}

/**
 * Reduces x viewed as [A, R, B] over R into an [A, B] tensor (as `outShape`), multiplied by `scale`.
 * Order of accumulation is fixed by the shape and the variant: by invocation, each chunk in
 * increasing r, then the chunks in increasing order; by workgroup, as reduce_rows.wgsl says.
 */
export function reduceKernel(op: ReduceOp, x: Storage, A: number, R: number, B: number, outShape: readonly number[], scale = 1): Storage {
  if (R === 0) throw new Error(`${op}: cannot reduce over an empty axis of ${x.describe()}`);
  const rows = REDUCE_ROWS.current();
  if (B === 1 && rows.by === 'workgroup' && R >= rows.wg) return reduceRows(op, x, A, R, rows, outShape, scale);
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
