// Batch normalisation kernels (shaders/batchnorm*.wgsl): per-channel sums in two levels — one
// workgroup per piece of each channel's N·H·W values (adding its invocations in a tree of
// barriers or with subgroup operations), then, where a channel has several pieces, reduceKernel
// over them — so each variant (BATCHNORM_SUMS) has one fixed order of accumulation on an adapter;
// normalisation, its input gradient, the weight and bias gradients, and the running-statistics
// update.
import { runtime } from '../runtime/context.ts';
import { Storage, formatShape, type Shape } from '../storage/storage.ts';
import { fillKernel } from './elementwise.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { loopBudget } from './loop-budget.ts';
import { REDUCE_SHADERS, reduceKernel } from './reduce.ts';
import { VariantFamily } from './variants.ts';

export interface ChannelLayout {
  N: number;
  C: number;
  HW: number;
}

export function channelLayout(x: { readonly shape: Shape }): ChannelLayout {
  if (x.shape.length !== 4) throw new Error(`batchNorm2d: input must be NCHW, got ${formatShape(x.shape)}`);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  return { N, C, HW: H * W };
}

/** Per-channel statistics: the mean and variance read at mean[c] and variance[varOffset + c]. */
export interface ChannelStats {
  mean: Storage;
  variance: Storage;
  varOffset: number;
}

/** How batchnorm_sums.wgsl cuts a channel's N·H·W values: workgroups of `wg` invocations, each
 *  invocation summing `per` values of its piece, or (`per` null) one piece per channel, as long as
 *  the loop budget allows, and no second pass. With `subgroups` the workgroup adds its
 *  invocations' sums with subgroup operations (subgroup_sum.wgsl), else in a tree of barriers
 *  (workgroup_sum.wgsl). */
export interface SumsVariant {
  wg: number;
  per: number | null;
  subgroups?: true;
}

/** The cuts `ncl tune` compares; each profile's default is among them. Those with `subgroups`
 *  are timed only where the adapter has subgroup operations. */
export const BATCHNORM_SUMS_CANDIDATES: readonly SumsVariant[] = [
  { wg: 8, per: null },
  { wg: 256, per: 16 },
  { wg: 64, per: null },
  { wg: 64, per: 16 },
  { wg: 64, per: 64 },
  { wg: 256, per: 16, subgroups: true },
  { wg: 64, per: 16, subgroups: true },
];

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/** The channel sums' shader: out is [2, pieces, C]; mean is bound to x and not read without MEAN,
 *  y (a fused ReLU's output) to g and not read without MASK; an invocation sums `per` values of
 *  its piece. */
const SUMS_SHADER = shader('batchnorm_sums', {
  reads: { g: 'f32', x: 'f32', mean: 'f32', y: 'f32' },
  writes: { out: 'f32' },
  params: { N: 'u32', C: 'u32', HW: 'u32', pieces: 'u32', per: 'u32', scale: 'f32' },
});
/** The two ways the channel sums' shader includes to sum a workgroup. */
const TREE_SUM = 'workgroup_sum';
const SUBGROUP_SUM = 'subgroup_sum';

/** Why the open adapter cannot run a variant, or null when it can. */
function unavailable(v: SumsVariant): string | null {
  if (!v.subgroups || runtime().adapter.subgroups) return null;
  return `the batch-norm sums variant ${JSON.stringify(v)} uses subgroup operations, which this adapter (${runtime().adapter.description}) lacks (it needs the subgroups feature and WGSL's subgroup_id)`;
}

/** Shape class: N, C and H·W rounded up to powers of two. CPU default: one piece per channel
 *  for a workgroup of 8 (llvmpipe's vector width; wider workgroups measured slower on the tiny
 *  preset's layers, bench/RESULTS.md). The GPU default is unmeasured: pieces of 4096 values give
 *  a GPU enough workgroups whatever the layer. */
export const BATCHNORM_SUMS = new VariantFamily<SumsVariant, ChannelLayout>(
  { cpu: BATCHNORM_SUMS_CANDIDATES[0]!, gpu: BATCHNORM_SUMS_CANDIDATES[1]! },
  {
    name: 'batchnorm-sums',
    // Beside its own and what it includes: the sum over a channel's pieces.
    files: [SUMS_SHADER.file, ...REDUCE_SHADERS],
    classify: (l) => `n${pow2(l.N)} c${pow2(l.C)} hw${pow2(l.HW)}`,
    candidates: () => BATCHNORM_SUMS_CANDIDATES,
    unavailable,
    describe: (l) => `channel sums of [${l.N}, ${l.C}, ${l.HW}]`,
    trial(l) {
      const x = fillKernel([l.N, l.C, l.HW], 0.5);
      const mean = fillKernel([l.C], 0.25);
      return {
        run: () => channelSumsKernel(x, x, mean, true, l, 1).dispose(),
        dispose: () => {
          x.dispose();
          mean.dispose();
        },
      };
    },
  },
);

/** [2, C] = [Σ g; Σ u·(x − μ)] over batch and space, times scale (see batchnorm_sums.wgsl), with
 *  μ = 0 when mean is null, and g counted only where reluOut > 0 when a fused ReLU's output is
 *  given: one dispatch where a channel is one piece, else one more (or two) to sum the pieces. */
export function channelSumsKernel(g: Storage, x: Storage, mean: Storage | null, centerG: boolean, l: ChannelLayout, scale: number, reluOut: Storage | null = null): Storage {
  const v = BATCHNORM_SUMS.current(l);
  const count = l.N * l.HW;
  const wanted = v.per ?? Math.ceil(count / v.wg);
  // The loop budget also counts the loop over images and the workgroup's sum (the tree's levels,
  // or one pass over the subgroups, at most one per invocation).
  const sumLoop = v.subgroups ? v.wg : Math.log2(v.wg) + 1;
  const per = Math.max(1, Math.min(wanted, loopBudget() - l.N - sumLoop));
  const pieces = Math.ceil(count / (v.wg * per));
  const partial = Storage.empty([2, pieces, l.C]);
  const flags = `${mean ? '' : ':zero-mean'}${centerG ? ':centered' : ''}${reluOut ? ':relu' : ''}`;
  launch({
    op: 'batchNorm2d-sums',
    kernel: declaredKernel(SUMS_SHADER, `batchNormSums${flags}[wg=${v.wg}${v.subgroups ? ',subgroups' : ''}]`, {
      CENTER_G: centerG,
      MEAN: !!mean,
      MASK: !!reluOut,
      WG: v.wg,
      SUM: v.subgroups ? SUBGROUP_SUM : TREE_SUM,
    }),
    reads: { g, x, mean: mean ?? x, y: reluOut ?? g },
    writes: { out: partial },
    params: { N: l.N, C: l.C, HW: l.HW, pieces, per, scale: pieces === 1 ? scale : 1 },
    workgroups: l.C * pieces,
  });
  const sums = pieces === 1 ? partial.view([2, l.C]) : reduceKernel('sum', partial, 2, pieces, l.C, [2, l.C], scale);
  partial.dispose();
  return sums;
}

/** μ is read at mean[c], σ² at variance[varOffset + c]. */
const BATCHNORM = shader('batchnorm', {
  reads: { x: 'f32', mean: 'f32', variance: 'f32', w: 'f32', b: 'f32' },
  writes: { y: 'f32' },
  params: { C: 'u32', HW: 'u32', varOffset: 'u32', eps: 'f32' },
  perItem: true,
});
/** sums = [Σ g; Σ g·(x − μ)]; y: a fused ReLU's output (bound to g and not read without MASK);
 *  train: 1 when μ, σ² are the batch's, else 0; samples: the values per channel, N·HW. */
const BATCHNORM_GRAD = shader('batchnorm_grad', {
  reads: { x: 'f32', g: 'f32', mean: 'f32', variance: 'f32', w: 'f32', sums: 'f32', y: 'f32' },
  writes: { dx: 'f32' },
  params: { C: 'u32', HW: 'u32', varOffset: 'u32', eps: 'f32', train: 'f32', samples: 'f32' },
  perItem: true,
});
/** One item per channel c below C. */
const BATCHNORM_PARAM_GRAD = shader('batchnorm_param_grad', { reads: { sums: 'f32', variance: 'f32' }, writes: { dw: 'f32', db: 'f32' }, params: { C: 'u32', varOffset: 'u32', eps: 'f32' }, perItem: true });
/** One item per channel c below C; unbias = n/(n − 1) for n samples per channel (1 when n = 1). */
const BATCHNORM_RUNNING = shader('batchnorm_running', { reads: { stats: 'f32' }, writes: { runningMean: 'f32', runningVar: 'f32' }, params: { C: 'u32', momentum: 'f32', unbias: 'f32' }, perItem: true });

/** Batch statistics [μ; σ²] as a [2, C] tensor (two passes: the mean, then centred squares). */
export function batchStatsKernel(x: Storage, l: ChannelLayout): Storage {
  const scale = 1 / (l.N * l.HW);
  const first = channelSumsKernel(x, x, null, false, l, scale);
  const stats = channelSumsKernel(x, x, first, true, l, scale);
  first.dispose();
  return stats;
}

/** The normalisation, followed by a ReLU in the same pass when `relu`. */
export function batchNormKernel(x: Storage, s: ChannelStats, w: Storage, b: Storage, eps: number, l: ChannelLayout, relu = false): Storage {
  const y = Storage.empty(x.shape);
  launch({
    op: relu ? 'batchNorm2d-relu' : 'batchNorm2d',
    kernel: declaredKernel(BATCHNORM, relu ? 'batchNorm:relu' : 'batchNorm', { RELU: relu }),
    reads: { x, mean: s.mean, variance: s.variance, w, b },
    writes: { y },
    params: { C: l.C, HW: l.HW, varOffset: s.varOffset, eps },
    items: x.size,
  });
  return y;
}

/** dx given g, the statistics, and sums = [Σ g; Σ g·(x − μ)]; `training` when μ, σ² are the
 *  batch's; g counted only where reluOut > 0 when a fused ReLU's output is given. */
export function batchNormInputGradKernel(x: Storage, g: Storage, s: ChannelStats, w: Storage, sums: Storage, eps: number, training: boolean, l: ChannelLayout, reluOut: Storage | null = null): Storage {
  const dx = Storage.empty(x.shape);
  launch({
    op: 'batchNorm2d-input-grad',
    kernel: declaredKernel(BATCHNORM_GRAD, reluOut ? 'batchNormGrad:relu' : 'batchNormGrad', { MASK: !!reluOut }),
    reads: { x, g, mean: s.mean, variance: s.variance, w, sums, y: reluOut ?? g },
    writes: { dx },
    params: { C: l.C, HW: l.HW, varOffset: s.varOffset, eps, train: training ? 1 : 0, samples: l.N * l.HW },
    items: x.size,
  });
  return dx;
}

/** [dw, db] = [Σ g·x̂, Σ g] per channel from sums = [Σ g; Σ g·(x − μ)] and the variance. */
export function batchNormParamGradKernel(sums: Storage, s: ChannelStats, eps: number, l: ChannelLayout): [Storage, Storage] {
  const dw = Storage.empty([l.C]);
  const db = Storage.empty([l.C]);
  launch({
    op: 'batchNorm2d-param-grad',
    kernel: declaredKernel(BATCHNORM_PARAM_GRAD, 'batchNormParamGrad', { WG: 64 }),
    reads: { sums, variance: s.variance },
    writes: { dw, db },
    params: { C: l.C, varOffset: s.varOffset, eps },
    items: l.C,
  });
  return [dw, db];
}

/** Updates running mean and variance in place from batch statistics [μ; σ²]. */
export function runningStatsKernel(stats: Storage, runningMean: Storage, runningVar: Storage, momentum: number, l: ChannelLayout): void {
  const n = l.N * l.HW;
  launch({
    op: 'batchNorm2d-running-stats',
    kernel: declaredKernel(BATCHNORM_RUNNING, 'batchNormRunning', { WG: 64 }),
    reads: { stats },
    writes: { runningMean, runningVar },
    params: { C: l.C, momentum, unbias: n > 1 ? n / (n - 1) : 1 },
    items: l.C,
  });
}
