// Softmax and log-softmax along one axis.
import { Storage } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { checkLoopBudget } from './loop-budget.ts';

/** One item per (a, b) line of the [A, R, B] view. */
const SOFTMAX = shader('softmax', { reads: { src: 'f32' }, writes: { dst: 'f32' }, params: { R: 'u32', B: 'u32' }, perItem: true });

/** x viewed as [A, R, B]; normalises over R. */
export function softmaxKernel(x: Storage, A: number, R: number, B: number, log: boolean): Storage {
  // Three passes over the line: max, sum, write.
  checkLoopBudget(log ? 'logSoftmax' : 'softmax', 3 * R, `an axis of ${R}`);
  const out = Storage.empty(x.shape);
  launch({
    op: log ? 'logSoftmax' : 'softmax',
    kernel: declaredKernel(SOFTMAX, log ? 'logSoftmax' : 'softmax', { LOG: log, WG: 64 }),
    reads: { src: x },
    writes: { dst: out },
    params: { R, B },
    items: A * B,
  });
  return out;
}
