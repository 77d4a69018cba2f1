// Seeded dropout: y = x ⊙ m / (1 − p) with a mask m that a counter-based hash derives from
// (seed, step, element index) on the device. The gradient is the same map applied to g
// (dy/dx = m / (1 − p)), recomputed from the same key. A DropoutGenerator hands out one step per
// call; its (seed, step) pair is the state to checkpoint.
import { dropoutKernel, type DropoutKey } from '../../kernels/dropout.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';

interface DropoutAttrs {
  p: number;
  key: DropoutKey;
}

const dropoutOp = defineOp<DropoutAttrs>({
  name: 'dropout',
  forward: ([x], a) => dropoutKernel(x!, a.p, a.key),
  backward: (g, { attrs: a }) => [Tensor.wrap(dropoutKernel(g.storage, a.p, a.key))],
});

/** The seed and step counter of a run's dropout masks; each call to next() gives a fresh mask. */
export class DropoutGenerator {
  constructor(
    readonly seed: number,
    public step = 0,
  ) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`dropout seed must be a u32, got ${seed}`);
  }

  /** The key for one dropout call; advances the counter. */
  next(): DropoutKey {
    return { seed: this.seed, step: this.step++ >>> 0 };
  }

  /** What a checkpoint stores; `DropoutGenerator.restore` reverses it. */
  state(): DropoutKey {
    return { seed: this.seed, step: this.step };
  }

  static restore(state: DropoutKey): DropoutGenerator {
    return new DropoutGenerator(state.seed, state.step);
  }
}

/**
 * Drops each element with probability p and scales the rest by 1/(1 − p) (training). When
 * `training` is false or p = 0 it returns x itself and the generator does not advance.
 * `rng` is a generator (one step per call) or an explicit key.
 */
export function dropout(x: Tensor, p: number, rng: DropoutGenerator | DropoutKey, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  return dropoutOp([x], { p, key: rng instanceof DropoutGenerator ? rng.next() : rng });
}
