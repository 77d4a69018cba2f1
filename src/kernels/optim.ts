// Optimiser kernels: one dispatch per parameter updates the weights and its state in place
// (shaders/sgd.wgsl, adamw.wgsl), and the clipping scale from the global norm of all gradients
// (shaders/sum_squares.wgsl, clip_scale.wgsl). Every update reads `scale` = [s, guard]: it scales
// the gradient by s and leaves weight and state untouched unless guard is finite.
import { Storage } from '../storage/storage.ts';
import { itemKernel, kernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

export interface SgdHyper {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export function sgdUpdateKernel(param: Storage, grad: Storage, scale: Storage, velocity: Storage, h: SgdHyper): void {
  launch({
    op: 'sgd',
    kernel: itemKernel('sgd', 'sgd'),
    reads: [grad, scale],
    writes: [param, velocity],
    uniforms: uniforms().u32(param.size).f32(h.lr, h.momentum, h.weightDecay).finish(),
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
    kernel: itemKernel('adamw', 'adamw'),
    reads: [grad, scale],
    writes: [param, m1, m2],
    uniforms: uniforms()
      .u32(param.size)
      .f32(h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, 1 / (1 - h.beta1 ** h.step), 1 / (1 - h.beta2 ** h.step))
      .finish(),
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
  const squares = kernel('sumSquares', 'sum_squares', { WG: SQUARES_WG, PER: SQUARES_PER });
  for (let first = 0, g0 = 0; g0 < grads.length; g0 += SLOTS) {
    const group = grads.slice(g0, g0 + SLOTS);
    const start = [0];
    for (let s = 0; s < SLOTS; s++) start.push(start[s]! + (tiles[g0 + s] ?? 0));
    const workgroups = start[SLOTS]!;
    if (workgroups > 0) {
      launch({
        op: 'clipScale-squares',
        kernel: squares,
        reads: Array.from({ length: SLOTS }, (_, s) => group[s] ?? group[0]!),
        writes: [partials],
        uniforms: uniforms()
          .u32Vec4Array(Array.from({ length: SLOTS }, (_, s) => group[s]?.size ?? 0), 8)
          .u32Vec4Array(start, 8)
          .u32(first)
          .finish(),
        workgroups,
      });
    }
    first += workgroups;
  }
  const out = Storage.empty([2]);
  launch({
    op: 'clipScale',
    kernel: kernel('clipScale', 'clip_scale', { WG: SCALE_WG }),
    reads: [partials],
    writes: [out],
    uniforms: uniforms().u32(count).f32(maxNorm).finish(),
    workgroups: 1,
  });
  partials.dispose();
  return out;
}
