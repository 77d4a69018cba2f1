// Optimiser kernels: one dispatch per parameter updates the weights and its state in place
// (shaders/sgd.wgsl, adamw.wgsl), and the clipping scale from per-tensor squared norms
// (shaders/clip_scale.wgsl). Every update reads `scale` = [s, guard]: it scales the gradient by s
// and leaves weight and state untouched unless guard is finite.
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

/** [scale, norm] = [min(1, maxNorm / ‖g‖), ‖g‖] from the squared norms of the gradients. */
export function clipScaleKernel(squaredNorms: Storage, maxNorm: number): Storage {
  const out = Storage.empty([2]);
  launch({
    op: 'clipScale',
    kernel: kernel('clipScale', 'clip_scale'),
    reads: [squaredNorms],
    writes: [out],
    uniforms: uniforms().u32(squaredNorms.size).f32(maxNorm).finish(),
    workgroups: 1,
  });
  return out;
}
