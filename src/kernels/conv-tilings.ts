// The tiles of the convolution kernels, with no device: the candidate tilings of `ncl tune` and
// `ncl bench conv --tilings`, each profile's default, the shape classes they are tuned for, and
// the two kinds of kernel a tiling may take — register tiles without workgroup memory
// (conv2d.wgsl, conv2d_wgrad.wgsl; CPU adapters, where a barrier costs more than the reuse it
// buys) and gemm_tiled.wgsl's workgroup-memory tiles (conv2d_shared.wgsl,
// conv2d_wgrad_shared.wgsl; GPUs) — each an object that fits a tiling to a pass and specialises
// its kernel. conv.ts declares the family (CONV_TILINGS) from these and dispatches the passes.
import type { KernelProfile } from '../runtime/runtime.ts';
import type { Constants } from '../runtime/pipelines.ts';
import type { ConvGeometry } from './conv-geometry.ts';
import { GEMM_TILED_BK, gemmTiledConstants, gemmTiledIterationsPerSlice } from './gemm-tiled.ts';

/** An invocation computes tm rows × 4·tn4 columns; a workgroup is wgx × wgy invocations. */
export interface ConvTiling {
  tm: number;
  tn4: number;
  wgx: number;
  wgy: number;
  /** Weight gradient only: the invocations its split of the reduction aims for (absent:
   *  WGRAD_TARGET_INVOCATIONS in conv.ts); a GPU fills with many more than a CPU adapter. */
  invocations?: number;
  /** Workgroup-memory tiles (the GPU kernels; absent: register tiles without barriers); see
   *  checkSharedTiling for the shapes they take. */
  shared?: boolean;
  /** Shared only: the next slices staged while the current ones are multiplied. */
  doubleBuffer?: boolean;
}

/** The tilings `ncl tune` and `ncl bench conv --tilings` compare, for each kernel. */
export const CONV_CANDIDATES: readonly ConvTiling[] = [
  { tm: 4, tn4: 2, wgx: 8, wgy: 8 },
  { tm: 8, tn4: 1, wgx: 8, wgy: 8 },
  { tm: 8, tn4: 1, wgx: 16, wgy: 4 },
  { tm: 8, tn4: 1, wgx: 4, wgy: 16 },
  { tm: 8, tn4: 2, wgx: 8, wgy: 8 },
  { tm: 12, tn4: 1, wgx: 8, wgy: 8 },
  { tm: 16, tn4: 1, wgx: 8, wgy: 8 },
  { tm: 16, tn4: 2, wgx: 8, wgy: 8 },
  { tm: 4, tn4: 1, wgx: 16, wgy: 16 },
];

/** Further weight-gradient candidates: the reduction split into more chunks (split-K). */
export const WGRAD_SPLIT_CANDIDATES: readonly ConvTiling[] = [
  { tm: 8, tn4: 2, wgx: 8, wgy: 8, invocations: 16384 },
  { tm: 4, tn4: 1, wgx: 16, wgy: 16, invocations: 65536 },
];

/**
 * Workgroup-memory tilings, the GPU profile's further candidates for every pass: 64×64 blocks
 * (4×4 per invocation), 128×128 blocks (8×8 per invocation, matmul's largest tile) and 64×64
 * double-buffered.
 */
const CONV_SHARED_CANDIDATES: readonly ConvTiling[] = [
  { shared: true, tm: 4, tn4: 1, wgx: 16, wgy: 16 },
  { shared: true, tm: 8, tn4: 2, wgx: 16, wgy: 16 },
  { shared: true, tm: 4, tn4: 1, wgx: 16, wgy: 16, doubleBuffer: true },
];

/** The weight gradient's: the reduction split until the blocks of all chunks together have
 *  about 8 workgroups of 256 invocations on each of ~128 multiprocessors (131 072), or a
 *  quarter of that. */
export const WGRAD_SHARED_CANDIDATES: readonly ConvTiling[] = [
  ...CONV_SHARED_CANDIDATES.map((t) => ({ ...t, invocations: 131072 })),
  { ...CONV_SHARED_CANDIDATES[0]!, invocations: 32768 },
];

/** One convolution pass as the tuner sees it: the input gradient shares the forward kernel. */
export interface ConvProblem {
  pass: 'fwd' | 'igrad' | 'wgrad';
  g: ConvGeometry;
}

/** A variant of the conv family: the tiling of the forward kernel (also the input gradient's)
 *  and the weight gradient's. */
export type ConvTilings = { fwd: ConvTiling; wgrad: ConvTiling };

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/**
 * Chosen by `ncl bench conv --tilings` on llvmpipe (bench/RESULTS.md): for the forward kernel
 * (also the input gradient) 16 rows × 4 points was the fastest, or within the noise of 12×4, on
 * shapes a, b, d and e; for the weight gradient 8 rows × 8 columns was the fastest on a, b, c
 * and d (the stem e prefers 8×4 there, a few ms). The workgroup-memory kernels are several times
 * slower there and are not candidates on CPU adapters. The GPU profile's default is the 64×64
 * workgroup-memory tiling, matmul's GPU default: each staged value serves 64 rows or columns
 * where the register kernels read every operand from memory per invocation (unmeasured on a
 * GPU so far; the tuner times it against the register tilings there).
 */
export const CONV_DEFAULTS: Readonly<Record<KernelProfile, ConvTilings>> = {
  cpu: { fwd: { tm: 16, tn4: 1, wgx: 8, wgy: 8 }, wgrad: { tm: 8, tn4: 2, wgx: 8, wgy: 8 } },
  gpu: { fwd: CONV_SHARED_CANDIDATES[0]!, wgrad: WGRAD_SHARED_CANDIDATES[0]! },
};

/** The shape class: the pass, kernel size and stride, dilation and groups if any, and Cin, Cout
 *  and the output pixels of the batch rounded up to powers of two. */
export function convClass({ pass, g }: ConvProblem): string {
  const extra = `${g.dh > 1 || g.dw > 1 ? ' dilated' : ''}${g.groups > 1 ? ` g${g.groups}` : ''}`;
  return `${pass} k${g.KH}x${g.KW} s${g.sh}x${g.sw}${extra} cin${pow2(g.Cin)} cout${pow2(g.Cout)} px${pow2(g.N * g.Ho * g.Wo)}`;
}

/** A class's candidates vary the tiling of its own pass and keep the profile's default for the
 *  other kernel; the workgroup-memory tilings are the GPU profile's only. */
export function convCandidates(profile: KernelProfile, cls: string): ConvTilings[] {
  const d = CONV_DEFAULTS[profile];
  const gpu = profile === 'gpu';
  return cls.startsWith('wgrad')
    ? [...CONV_CANDIDATES, ...WGRAD_SPLIT_CANDIDATES, ...(gpu ? WGRAD_SHARED_CANDIDATES : [])].map((wgrad) => ({ fwd: d.fwd, wgrad }))
    : [...CONV_CANDIDATES, ...(gpu ? CONV_SHARED_CANDIDATES : [])].map((fwd) => ({ fwd, wgrad: d.wgrad }));
}

export function describeConvProblem({ pass, g }: ConvProblem): string {
  return `${pass} x[${g.N},${g.Cin},${g.H},${g.W}] w[${g.Cout},${g.Cin / g.groups},${g.KH},${g.KW}] stride ${g.sh},${g.sw} padding ${g.ph},${g.pw} dilation ${g.dh},${g.dw} groups ${g.groups}`;
}

/** What a pass needs of the kind of kernel its tiling takes. */
export interface ConvTileKind {
  /** The key of the kind's shaders in conv.ts. */
  readonly kernels: 'register' | 'shared';
  /** The tiling fitted to a pass of `rows` × `cols` outputs, tiles at least minTm rows tall. */
  fit(t: ConvTiling, rows: number, cols: number, minTm: number): ConvTiling;
  /** The kernel's name after the pass's: conv2d[16x4,8x8], conv2d:shared:4x4,16x16. */
  label(t: ConvTiling): string;
  constants(t: ConvTiling): Constants;
  /** Loop iterations of an invocation over `steps` steps of its reduction (llvmpipe's budget). */
  iterations(t: ConvTiling, steps: number): number;
  /** Steps of its reduction an invocation may take within `budget` loop iterations. */
  stepsWithin(t: ConvTiling, budget: number): number;
  /** Invocations of a dispatch over rows × cols that sum a share of the reduction. */
  summing(t: ConvTiling, rows: number, cols: number): number;
}

/**
 * Register tiles: fitted to the problem with a shorter tile when there are fewer rows than it (the
 * input gradient of a 3-channel stem), and a workgroup no taller than the rows need and no wider
 * than the columns need (the weight gradient of a stem has 27 columns), so no invocation idles.
 * One loop iteration per step of the reduction (the loops over the register tile have constant
 * bounds); an invocation past the rows or columns returns at once.
 */
const REGISTER_TILES: ConvTileKind = {
  kernels: 'register',
  fit(t, rows, cols, minTm) {
    const tm = Math.max(minTm, Math.min(t.tm, pow2(rows)));
    const wgy = Math.min(t.wgy, pow2(Math.ceil(rows / tm)));
    const wgx = Math.min((t.wgx * t.wgy) / wgy, pow2(Math.ceil(cols / (4 * t.tn4))));
    return { tm, tn4: t.tn4, wgx, wgy };
  },
  label: (t) => `[${t.tm}x${4 * t.tn4},${t.wgx}x${t.wgy}]`,
  constants: (t) => ({ TM: t.tm, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy }),
  iterations: (_, steps) => steps,
  stepsWithin: (_, budget) => budget,
  summing: (t, rows, cols) => Math.ceil(cols / (4 * t.tn4)) * Math.ceil(rows / t.tm),
};

const isPow2 = (v: number) => Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0;

/**
 * The shapes the workgroup-memory kernels take: tm a multiple of 4 (rows in vec4 groups), wgx
 * and wgy powers of two, 4·tn4 ≤ wgy ≤ 64·tn4 (a block's 4·tn4·wgx columns divide its
 * invocations and fill a BK-deep slice in whole rows) and wgx dividing 16·tm (the weight
 * gradient's invocations fill BK-deep slices of its tm·wgy rows the same way).
 */
function checkSharedTiling(t: ConvTiling): void {
  const BK = GEMM_TILED_BK;
  const fits = t.tm % 4 === 0 && isPow2(t.tn4) && isPow2(t.wgx) && isPow2(t.wgy) && 4 * t.tn4 <= t.wgy && t.wgy <= 64 * t.tn4 && (BK * t.tm) % t.wgx === 0 && t.wgx * t.wgy >= BK;
  if (!fits) throw new Error(`conv2d: workgroup-memory tiling ${JSON.stringify(t)} needs tm a multiple of 4, powers of two tn4, wgx and wgy, 4·tn4 ≤ wgy ≤ 64·tn4, wgx dividing 16·tm and at least ${BK} invocations`);
}

/**
 * gemm_tiled's workgroup-memory tiles: fitted to the rows (no taller than they need, but at least
 * 4·tn4 tall); the skeleton's loops counted per BK-deep slice; every invocation of a workgroup
 * stages, so every one counts.
 */
const SHARED_TILES: ConvTileKind = {
  kernels: 'shared',
  fit(t, rows) {
    checkSharedTiling(t);
    return { ...t, wgy: Math.max(4 * t.tn4, Math.min(t.wgy, pow2(Math.ceil(rows / t.tm)))) };
  },
  label: (t) => `:shared:${t.tm}x${4 * t.tn4},${t.wgx}x${t.wgy}${t.doubleBuffer ? ',double-buffered' : ''}`,
  constants: gemmTiledConstants,
  iterations: (t, steps) => Math.ceil(steps / GEMM_TILED_BK) * gemmTiledIterationsPerSlice(t),
  stepsWithin: (t, budget) => Math.floor(budget / gemmTiledIterationsPerSlice(t)) * GEMM_TILED_BK,
  summing(t, rows, cols) {
    const [across, down] = tileGrid(t, rows, cols);
    return across * down * t.wgx * t.wgy;
  },
};

/** The workgroups of a tiling over rows × cols outputs: [along the columns, along the rows]. */
export function tileGrid(t: ConvTiling, rows: number, cols: number): [number, number] {
  return [Math.ceil(cols / (4 * t.tn4 * t.wgx)), Math.ceil(rows / (t.tm * t.wgy))];
}

/** The kind of kernel a tiling takes. */
export function tileKind(t: ConvTiling): ConvTileKind {
  return t.shared ? SHARED_TILES : REGISTER_TILES;
}
