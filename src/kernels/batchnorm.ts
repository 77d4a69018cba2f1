// Batch normalisation kernels (shaders/batchnorm*.wgsl): per-channel statistics in two levels —
// sums over pieces of each image's H·W (one invocation per piece), then over the pieces and images
// in increasing order — so each variant (BATCHNORM_ROWS) has one fixed order of accumulation;
// normalisation, its input gradient and the running-statistics update.
import { Storage, formatShape, type Shape } from '../storage/storage.ts';
import { fillKernel } from './elementwise.ts';
import { itemKernel, launch } from './launch.ts';
import { loopBudget } from './loop-budget.ts';
import { reduceKernel } from './reduce.ts';
import { uniforms } from './uniforms.ts';
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

/** How the per-channel sums are cut into pieces (batchnorm_rows.wgsl): consecutive pieces as long
 *  as the loop budget allows (`piece` null; CPU adapters), or interleaved pieces of about `piece`
 *  elements whose invocations read neighbouring addresses (GPUs; unmeasured until a GPU is at hand). */
export interface RowsVariant {
  interleaved: boolean;
  piece: number | null;
}

/** The cuts `ncl tune` compares; each profile's default is among them. */
export const BATCHNORM_ROWS_CANDIDATES: readonly RowsVariant[] = [
  { interleaved: false, piece: null },
  { interleaved: true, piece: 64 },
  { interleaved: true, piece: 256 },
  { interleaved: false, piece: 1024 },
];

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/** Shape class: N, C and H·W rounded up to powers of two. */
export const BATCHNORM_ROWS = new VariantFamily<RowsVariant, ChannelLayout>(
  { cpu: BATCHNORM_ROWS_CANDIDATES[0]!, gpu: BATCHNORM_ROWS_CANDIDATES[1]! },
  {
    name: 'batchnorm-rows',
    files: ['batchnorm_rows', 'reduce'],
    classify: (l) => `n${pow2(l.N)} c${pow2(l.C)} hw${pow2(l.HW)}`,
    candidates: () => BATCHNORM_ROWS_CANDIDATES,
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

/** [2, C] = [Σ g; Σ u·(x − μ)] over batch and space, times scale (see batchnorm_rows.wgsl). */
export function channelSumsKernel(g: Storage, x: Storage, mean: Storage, centerG: boolean, l: ChannelLayout, scale: number): Storage {
  const v = BATCHNORM_ROWS.current(l);
  const parts = Math.max(1, Math.ceil(l.HW / loopBudget()), v.piece ? Math.ceil(l.HW / v.piece) : 1);
  const len = Math.ceil(l.HW / parts);
  const rows = Storage.empty([2, l.N * parts, l.C]);
  launch({
    op: 'batchNorm2d-sums',
    kernel: itemKernel(`batchNormRows${centerG ? ':centered' : ''}${v.interleaved ? ':interleaved' : ''}`, 'batchnorm_rows', { CENTER_G: centerG, INTERLEAVED: v.interleaved }, 64),
    reads: [g, x, mean],
    writes: [rows],
    uniforms: uniforms().u32(l.N, l.C, l.HW, parts, len).finish(),
    items: l.N * parts * l.C,
  });
  const sums = reduceKernel('sum', rows, 2, l.N * parts, l.C, [2, l.C], scale);
  rows.dispose();
  return sums;
}

/** Batch statistics [μ; σ²] as a [2, C] tensor (two passes: the mean, then centred squares). */
export function batchStatsKernel(x: Storage, l: ChannelLayout): Storage {
  const scale = 1 / (l.N * l.HW);
  const zero = fillKernel([l.C], 0);
  const first = channelSumsKernel(x, x, zero, false, l, scale);
  const stats = channelSumsKernel(x, x, first, true, l, scale);
  zero.dispose();
  first.dispose();
  return stats;
}

export function batchNormKernel(x: Storage, s: ChannelStats, w: Storage, b: Storage, eps: number, l: ChannelLayout): Storage {
  const y = Storage.empty(x.shape);
  launch({
    op: 'batchNorm2d',
    kernel: itemKernel('batchNorm', 'batchnorm'),
    reads: [x, s.mean, s.variance, w, b],
    writes: [y],
    uniforms: uniforms().u32(x.size, l.C, l.HW, s.varOffset).f32(eps).finish(),
    items: x.size,
  });
  return y;
}

/** dx given g, the statistics, and sums = [Σ g; Σ g·(x − μ)]; `training` when μ, σ² are the batch's. */
export function batchNormInputGradKernel(x: Storage, g: Storage, s: ChannelStats, w: Storage, sums: Storage, eps: number, training: boolean, l: ChannelLayout): Storage {
  const dx = Storage.empty(x.shape);
  launch({
    op: 'batchNorm2d-input-grad',
    kernel: itemKernel('batchNormGrad', 'batchnorm_grad'),
    reads: [x, g, s.mean, s.variance, w, sums],
    writes: [dx],
    uniforms: uniforms()
      .u32(x.size, l.C, l.HW, s.varOffset)
      .f32(eps, training ? 1 : 0, l.N * l.HW)
      .finish(),
    items: x.size,
  });
  return dx;
}

/** Updates running mean and variance in place from batch statistics [μ; σ²]. */
export function runningStatsKernel(stats: Storage, runningMean: Storage, runningVar: Storage, momentum: number, l: ChannelLayout): void {
  const n = l.N * l.HW;
  launch({
    op: 'batchNorm2d-running-stats',
    kernel: itemKernel('batchNormRunning', 'batchnorm_running', {}, 64),
    reads: [stats],
    writes: [runningMean, runningVar],
    uniforms: uniforms()
      .u32(l.C)
      .f32(momentum, n > 1 ? n / (n - 1) : 1)
      .finish(),
    items: l.C,
  });
}
