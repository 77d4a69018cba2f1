// Loss kernels: pixel-wise softmax cross-entropy (shaders/loss_softmax_ce*.wgsl) and binary
// cross-entropy with logits (shaders/loss_bce.wgsl).
import { Storage, formatShape } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';

/** The params of both cross-entropy shaders: logits [N, C, HW]; a target equal to `ignore` is
 *  left out when hasIgnore is 1. */
const CE_PARAMS = { C: 'u32', HW: 'u32', hasIgnore: 'u32', ignore: 'f32' } as const;
/** labels: the class targets [N, HW] (indices stored as floats); classWeight: [C]. */
const SOFTMAX_CE = shader('loss_softmax_ce', { reads: { z: 'f32', labels: 'f32', classWeight: 'f32' }, writes: { out: 'f32' }, params: CE_PARAMS, perItem: true });
/** As SOFTMAX_CE, with g the per-pixel output gradient [N, HW]. */
const SOFTMAX_CE_GRAD = shader('loss_softmax_ce_grad', { reads: { z: 'f32', labels: 'f32', classWeight: 'f32', g: 'f32' }, writes: { dz: 'f32' }, params: CE_PARAMS, perItem: true });
/** grad: the output gradient (bound but unused for the value); pw: the positive-class weight. */
const BCE = shader('loss_bce', { reads: { logits: 'f32', targets: 'f32', grad: 'f32' }, writes: { out: 'f32' }, params: { pw: 'f32' }, perItem: true });

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

function ceParams(C: number, HW: number, spec: CrossEntropySpec) {
  return { C, HW, hasIgnore: spec.ignoreIndex === null ? 0 : 1, ignore: spec.ignoreIndex ?? 0 };
}

/** Per pixel: the class weight of its target (0 if ignored), or that weight times −log softmax. */
export function pixelCrossEntropyKernel(z: Storage, target: Storage, classWeight: Storage, spec: CrossEntropySpec, weightOnly: boolean): Storage {
  const { C, HW } = layout(z, target);
  const out = Storage.empty(target.shape);
  launch({
    op: weightOnly ? 'softmaxCrossEntropy-weights' : 'softmaxCrossEntropy',
    kernel: declaredKernel(SOFTMAX_CE, weightOnly ? 'pixelWeight' : 'pixelCrossEntropy', { WEIGHT_ONLY: weightOnly }),
    reads: { z, labels: target, classWeight },
    writes: { out },
    params: ceParams(C, HW, spec),
    items: out.size,
  });
  return out;
}

export function pixelCrossEntropyGradKernel(z: Storage, target: Storage, classWeight: Storage, g: Storage, spec: CrossEntropySpec): Storage {
  const { C, HW } = layout(z, target);
  const dz = Storage.empty(z.shape);
  launch({
    op: 'softmaxCrossEntropy-grad',
    kernel: declaredKernel(SOFTMAX_CE_GRAD, 'pixelCrossEntropyGrad'),
    reads: { z, labels: target, classWeight, g },
    writes: { dz },
    params: ceParams(C, HW, spec),
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
    kernel: declaredKernel(BCE, `bce:${term}`, { EXPR: BCE_EXPR[term] }),
    reads: { logits: x, targets: t, grad: g },
    writes: { out },
    params: { pw: posWeight },
    items: out.size,
  });
  return out;
}
