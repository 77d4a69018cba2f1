// Optimiser kernels: one dispatch per parameter updates the weights and its state in place
// (shaders/sgd.wgsl, adamw.wgsl), and the clipping scale from the global norm of all gradients
// (shaders/sum_squares.wgsl, clip_scale.wgsl). Every update reads `scale` = [s, guard]: it scales
// the gradient by s and leaves weight and state untouched unless guard is finite.
import { Storage } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';

/** scale = [s, guard]: the gradient's scale, and the update runs only where guard is finite. */
const SGD = shader('sgd', { reads: { grad: 'f32', scale: 'f32' }, writes: { weight: 'f32', velocity: 'f32' }, params: { lr: 'f32', momentum: 'f32', weightDecay: 'f32' }, perItem: true });
/** scale as for SGD; c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t): the bias corrections. */
const ADAMW = shader('adamw', {
  reads: { grad: 'f32', scale: 'f32' },
  writes: { weight: 'f32', m1: 'f32', m2: 'f32' },
  params: { lr: 'f32', beta1: 'f32', beta2: 'f32', eps: 'f32', weightDecay: 'f32', c1: 'f32', c2: 'f32' },
  perItem: true,
});

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export function sgdUpdateKernel(param: Storage, grad: Storage, scale: Storage, velocity: Storage, h: SgdHyper): void {
  launch({
    op: 'sgd',
    kernel: declaredKernel(SGD, 'sgd'),
    reads: { grad, scale },
    writes: { weight: param, velocity },
    params: { lr: h.lr, momentum: h.momentum, weightDecay: h.weightDecay },
    items: param.size,
  });
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** The step number t ≥ 1 (bias corrections 1/(1 − β^t)). */
  step: number;
}

export function adamwUpdateKernel(param: Storage, grad: Storage, scale: Storage, m1: Storage, m2: Storage, h: AdamWHyper): void {
  launch({
    op: 'adamw',
    kernel: declaredKernel(ADAMW, 'adamw'),
    reads: { grad, scale },
    writes: { weight: param, m1, m2 },
    params: { lr: h.lr, beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: h.weightDecay, c1: 1 / (1 - h.beta1 ** h.step), c2: 1 / (1 - h.beta2 ** h.step) },
    items: param.size,
  });
}

/** Tensors one sum_squares.wgsl dispatch reads (its storage bindings t0 … t6). */
const SLOTS = 7;
/** Workgroup size and elements per invocation of sum_squares.wgsl: a workgroup sums a tile of
 *  64·16 = 1024 elements. */
const SQUARES_WG = 64;
const SQUARES_PER = 16;
const TILE = SQUARES_WG * SQUARES_PER;
const SCALE_WG = 256;

/** sizes[s / 4][s % 4]: the elements of tensor s; start[s / 4][s % 4]: its first workgroup
 *  (start[7] = all workgroups of the dispatch); first: where the dispatch's partials begin. */
const SUM_SQUARES = shader('sum_squares', {
  reads: { t0: 'f32', t1: 'f32', t2: 'f32', t3: 'f32', t4: 'f32', t5: 'f32', t6: 'f32' },
  writes: { partials: 'f32' },
  params: { sizes: 'vec4u[2]', start: 'vec4u[2]', first: 'u32' },
});
/** count: the partials to sum. */
const CLIP_SCALE = shader('clip_scale', { reads: { partials: 'f32' }, writes: { out: 'f32' }, params: { count: 'u32', maxNorm: 'f32' } });

/**
 * [scale, norm] = [min(1, maxNorm / ‖g‖), ‖g‖] over all the tensors given, in ⌈count / 7⌉ + 1
 * dispatches: partial sums of squares per tile of 1024 elements (sum_squares.wgsl, seven tensors
 * a dispatch), then one workgroup over the partials (clip_scale.wgsl). The order of accumulation
 * depends only on the tensors' sizes and order.
 */
export function clipScaleKernel(all: readonly Storage[], maxNorm: number): Storage {
  const grads = all.filter((g) => g.size > 0);
  const tiles = grads.map((g) => Math.ceil(g.size / TILE));
  const count = tiles.reduce((a, b) => a + b, 0);
  const partials = Storage.empty([Math.max(1, count)]);
  const squares = declaredKernel(SUM_SQUARES, 'sumSquares', { WG: SQUARES_WG, PER: SQUARES_PER });
  for (let first = 0, g0 = 0; g0 < grads.length; g0 += SLOTS) {
    const group = grads.slice(g0, g0 + SLOTS);
    // Unused slots are bound to the group's first tensor, with size 0.
    const slot = (s: number) => group[s] ?? group[0]!;
    const start = [0];
    for (let s = 0; s < SLOTS; s++) start.push(start[s]! + (tiles[g0 + s] ?? 0));
    const workgroups = start[SLOTS]!;
    if (workgroups > 0) {
      launch({
        op: 'clipScale-squares',
        kernel: squares,
        reads: { t0: slot(0), t1: slot(1), t2: slot(2), t3: slot(3), t4: slot(4), t5: slot(5), t6: slot(6) },
        writes: { partials },
        params: { sizes: Array.from({ length: SLOTS }, (_, s) => group[s]?.size ?? 0), start, first },
        workgroups,
      });
    }
    first += workgroups;
  }
  const out = Storage.empty([2]);
  launch({
    op: 'clipScale',
    kernel: declaredKernel(CLIP_SCALE, 'clipScale', { WG: SCALE_WG }),
    reads: { partials },
    writes: { out },
    params: { count, maxNorm },
    workgroups: 1,
  });
  partials.dispose();
  return out;
}
