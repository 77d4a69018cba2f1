// Softmax and log-softmax along one axis.
import { Storage } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { checkLoopBudget } from './loop-budget.ts';
import { uniforms } from './uniforms.ts';

/** x viewed as [A, R, B]; normalises over R. */
export function softmaxKernel(x: Storage, A: number, R: number, B: number, log: boolean): Storage {
  // Three passes over the line: max, sum, write.
  checkLoopBudget(log ? 'logSoftmax' : 'softmax', 3 * R, `an axis of ${R}`);
  const out = Storage.empty(x.shape);
  launch({
    op: log ? 'logSoftmax' : 'softmax',
    kernel: itemKernel(log ? 'logSoftmax' : 'softmax', 'softmax', { LOG: log }, 64),
    reads: [x],
    writes: [out],
    uniforms: uniforms().u32(A, R, B).finish(),
    items: A * B,
  });
  return out;
}
