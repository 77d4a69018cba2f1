// Dropout kernel (shaders/dropout.wgsl): a mask from a counter-based hash of (seed, step, index).
import { Storage } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';

/** threshold = round(p · 2³²) (an element is kept when its hash is at least that), scale = 1/(1 − p). */
const DROPOUT = shader('dropout', { reads: { x: 'f32' }, writes: { y: 'f32' }, params: { seed: 'u32', step: 'u32', threshold: 'u32', scale: 'f32' }, perItem: true });

/** What fixes a dropout mask: the generator's seed and the call's step counter (both u32). */
export interface DropoutKey {
  seed: number;
  step: number;
}

/** y = x ⊙ mask / (1 − p), the mask of (key, element index); p in [0, 1). */
export function dropoutKernel(x: Storage, p: number, key: DropoutKey): Storage {
  const y = Storage.empty(x.shape);
  launch({
    op: 'dropout',
    kernel: declaredKernel(DROPOUT, 'dropout'),
    reads: { x },
    writes: { y },
    params: { seed: key.seed >>> 0, step: key.step >>> 0, threshold: Math.min(Math.round(p * 2 ** 32), 2 ** 32 - 1), scale: 1 / (1 - p) },
    items: x.size,
  });
  return y;
}
