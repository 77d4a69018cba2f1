// Loss kernels: pixel-wise softmax cross-entropy (shaders/loss_softmax_ce*.wgsl) and binary
// cross-entropy with logits (shaders/loss_bce.wgsl).
import { Storage, formatShape } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

export interface CrossEntropySpec {
  /** Target value whose pixels are left out (e.g. 255), or null. */
  ignoreIndex: number | null;
}

function layout(z: Storage, t: Storage): { N: number; C: number; HW: number } {
  const [N, C] = z.shape as [number, number];
  const HW = z.size / (N * C);
  if (z.rank < 2 || t.rank !== z.rank - 1 || t.shape[0] !== N || t.size !== N * HW) {
    throw new Error(`softmaxCrossEntropy: logits ${formatShape(z.shape)} need targets of shape [${[N, ...z.shape.slice(2)].join(',')}], got ${formatShape(t.shape)}`);
  }
  return { N, C, HW };
}

function ceParams(count: number, C: number, HW: number, spec: CrossEntropySpec): ArrayBuffer {
  return uniforms()
    .u32(count, C, HW, spec.ignoreIndex === null ? 0 : 1)
    .f32(spec.ignoreIndex ?? 0)
    .finish();
}

/** Per pixel: the class weight of its target (0 if ignored), or that weight times −log softmax. */
export function pixelCrossEntropyKernel(z: Storage, target: Storage, classWeight: Storage, spec: CrossEntropySpec, weightOnly: boolean): Storage {
  const { C, HW } = layout(z, target);
  const out = Storage.empty(target.shape);
  launch({
    op: weightOnly ? 'softmaxCrossEntropy-weights' : 'softmaxCrossEntropy',
    kernel: itemKernel(weightOnly ? 'pixelWeight' : 'pixelCrossEntropy', 'loss_softmax_ce', { WEIGHT_ONLY: weightOnly }),
    reads: [z, target, classWeight],
    writes: [out],
    uniforms: ceParams(out.size, C, HW, spec),
    items: out.size,
  });
  return out;
}

export function pixelCrossEntropyGradKernel(z: Storage, target: Storage, classWeight: Storage, g: Storage, spec: CrossEntropySpec): Storage {
  const { C, HW } = layout(z, target);
  const dz = Storage.empty(z.shape);
  launch({
    op: 'softmaxCrossEntropy-grad',
    kernel: itemKernel('pixelCrossEntropyGrad', 'loss_softmax_ce_grad'),
    reads: [z, target, classWeight, g],
    writes: [dz],
    uniforms: ceParams(dz.size, C, HW, spec),
    items: dz.size,
  });
  return dz;
}

/** WGSL expressions of loss_bce.wgsl: the loss and its two partial derivatives times g. */
const BCE_EXPR = {
  value: '(1.0 - t) * x + lw * softplus(-x)',
  dLogits: 'g * ((1.0 - t) + lw * (sigmoid(x) - 1.0))',
  dTargets: 'g * (-x + (pw - 1.0) * softplus(-x))',
} as const;
export type BceTerm = keyof typeof BCE_EXPR;

/** One term of binary cross-entropy with logits, elementwise; g is the output gradient (unused for 'value'). */
export function bceKernel(term: BceTerm, x: Storage, t: Storage, g: Storage, posWeight: number): Storage {
  if (formatShape(x.shape) !== formatShape(t.shape)) {
    throw new Error(`bceWithLogits: logits ${formatShape(x.shape)} and targets ${formatShape(t.shape)} differ`);
  }
  const out = Storage.empty(x.shape);
  launch({
    op: `bceWithLogits-${term}`,
    kernel: itemKernel(`bce:${term}`, 'loss_bce', { EXPR: BCE_EXPR[term] }),
    reads: [x, t, g],
    writes: [out],
    uniforms: uniforms().u32(out.size).f32(posWeight).finish(),
    items: out.size,
  });
  return out;
}
