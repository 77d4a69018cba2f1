// Dropout kernel (shaders/dropout.wgsl): a mask from a counter-based hash of (seed, step, index).
import { Storage } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

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
    kernel: itemKernel('dropout', 'dropout'),
    reads: [x],
    writes: [y],
    uniforms: uniforms()
      .u32(x.size, key.seed >>> 0, key.step >>> 0, Math.min(Math.round(p * 2 ** 32), 2 ** 32 - 1))
      .f32(1 / (1 - p))
      .finish(),
    items: x.size,
  });
  return y;
}
