// 2-D convolution kernels: geometry, tile shapes per adapter profile, and the dispatches of the
// forward pass, the input gradient and the weight gradient (shaders/conv2d*.wgsl).
//
// Every pass is an implicit GEMM: patches are read from the input where the product needs them,
// so strides and dilations cost index arithmetic, never a copy. Two kernels per GEMM: register
// tiles without workgroup memory (conv2d.wgsl, conv2d_wgrad.wgsl; CPU adapters, where a barrier
// costs more than the reuse it buys) and workgroup-memory tiles multiplied by the tile_block.wgsl
// that matmul_shared.wgsl uses too (conv2d_shared.wgsl, conv2d_wgrad_shared.wgsl; GPUs).
// 1×1 convolutions with stride 1 and no padding are plain matmuls over the NCHW layout:
// Y[n] = W · X[n] with X[n] seen as a C_in × (H·W) matrix. A strided 1×1 convolution runs the
// implicit GEMM with one tap, which reads every stride-th pixel in place.
import type { KernelInterface } from '../runtime/kernel-interface.ts';
import { Storage, formatShape } from '../storage/storage.ts';
import { fillKernel } from './elementwise.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { matmulKernel } from './matmul.ts';
import { checkLoopBudget, loopBudget } from './loop-budget.ts';
import { REDUCE_SHADERS, reduceKernel } from './reduce.ts';
import { gatherStrided } from './strided.ts';
import { VariantFamily } from './variants.ts';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Every size of one convolution, checked once: input [N, Cin, H, W], weight [Cout, Cin/groups, KH, KW]. */
export interface ConvGeometry {
  N: number;
  Cin: number;
  H: number;
  W: number;
  Cout: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  groups: number;
  Ho: number;
  Wo: number;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export function convGeometry(x: readonly number[], w: readonly number[], o: Conv2dOptions = {}): ConvGeometry {
  const where = `conv2d(input ${formatShape(x)}, weight ${formatShape(w)})`;
  if (x.length !== 4 || w.length !== 4) throw new Error(`${where}: input must be NCHW and weight OIHW (rank 4)`);
  const [N, Cin, H, W] = x as [number, number, number, number];
  const [Cout, Cg, KH, KW] = w as [number, number, number, number];
  const [sh, sw] = pair(o.stride ?? 1);
  const [ph, pw] = pair(o.padding ?? 0);
  const [dh, dw] = pair(o.dilation ?? 1);
  const groups = o.groups ?? 1;
  const positive = [sh, sw, dh, dw, groups, KH, KW];
  if (positive.some((v) => !Number.isInteger(v) || v < 1) || [ph, pw].some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`${where}: stride, dilation, groups and kernel size must be positive integers, padding non-negative`);
  }
  if (Cin % groups || Cout % groups) throw new Error(`${where}: ${groups} groups do not divide ${Cin} input and ${Cout} output channels`);
  if (Cg !== Cin / groups) throw new Error(`${where}: weight has ${Cg} input channels, expected ${Cin / groups} (Cin / groups)`);
  const Ho = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const Wo = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  if (Ho < 1 || Wo < 1) throw new Error(`${where}: the dilated kernel is larger than the padded input`);
  return { N, Cin, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw, groups, Ho, Wo };
}

/** Multiply-adds of the dense convolution, padded taps included, times 2. */
export function convFlops(g: ConvGeometry): number {
  return 2 * g.N * g.Cout * g.Ho * g.Wo * (g.Cin / g.groups) * g.KH * g.KW;
}

function isPointwise(g: ConvGeometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.groups === 1;
}

/** An invocation computes tm rows × 4·tn4 columns; a workgroup is wgx × wgy invocations. */
export interface ConvTiling {
  tm: number;
  tn4: number;
  wgx: number;
  wgy: number;
  /** Weight gradient only: the invocations its split of the reduction aims for (absent:
   *  WGRAD_TARGET_INVOCATIONS); a GPU fills with many more than a CPU adapter. */
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
export const CONV_SHARED_CANDIDATES: readonly ConvTiling[] = [
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

/** The forward pass and the input gradient, y from x and the packed weights wp (rows padded to
 *  MP, a multiple of 4); shaders/conv2d.wgsl's header describes every field. */
const CONV2D_INTERFACE = {
  reads: { x: 'f32', wp: 'vec4<f32>' },
  writes: { y: 'f32' },
  params: {
    C: 'u32', M: 'u32', groups: 'u32', HX: 'u32', WX: 'u32', HG: 'u32', WG: 'u32', HY: 'u32', WY: 'u32', SH: 'u32', SW: 'u32',
    OSH: 'u32', OSW: 'u32', ORH: 'u32', ORW: 'u32', TH: 'u32', TW: 'u32', OFFH: 'i32', OFFW: 'i32', DH: 'i32', DW: 'i32', MP: 'u32',
  },
} as const satisfies KernelInterface;

/** The weight gradient's partial sums part[z] over chunks of `chunk` pixels of the reduction, from
 *  dy and x; shaders/conv2d_wgrad.wgsl's header describes every field. */
const CONV2D_WGRAD_INTERFACE = {
  reads: { dy: 'f32', x: 'f32' },
  writes: { part: 'f32' },
  params: {
    C: 'u32', M: 'u32', groups: 'u32', N: 'u32', H: 'u32', W: 'u32', HO: 'u32', WO: 'u32', KH: 'u32', KW: 'u32', SH: 'u32', SW: 'u32',
    chunk: 'u32', PAD_H: 'i32', PAD_W: 'i32', DIL_H: 'i32', DIL_W: 'i32',
  },
} as const satisfies KernelInterface;

/** The weights of one dispatch of CONV2D_INTERFACE packed from w; the fields as in GatherConv. */
const CONV2D_PACK = shader('conv2d_pack', {
  reads: { w: 'f32' },
  writes: { packed: 'f32' },
  params: { C: 'u32', M: 'u32', MP: 'u32', TH: 'u32', TW: 'u32', WBASE: 'u32', WSG: 'u32', WSM: 'u32', WSC: 'u32', WSTH: 'u32', WSTW: 'u32' },
  perItem: true,
});

/** The shader of each kernel: register tiles, workgroup-memory tiles (which include tile_block),
 *  the weight packing of the forward and input-gradient GEMMs. */
const CONV_SHADERS = {
  gemm: shader('conv2d', CONV2D_INTERFACE),
  gemmShared: shader('conv2d_shared', CONV2D_INTERFACE),
  pack: CONV2D_PACK,
  wgrad: shader('conv2d_wgrad', CONV2D_WGRAD_INTERFACE),
  wgradShared: shader('conv2d_wgrad_shared', CONV2D_WGRAD_INTERFACE),
};

/** One convolution pass as the tuner sees it: the input gradient shares the forward kernel. */
interface ConvProblem {
  pass: 'fwd' | 'igrad' | 'wgrad';
  g: ConvGeometry;
}

type ConvTilings = { fwd: ConvTiling; wgrad: ConvTiling };

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

const CONV_DEFAULTS: Record<'cpu' | 'gpu', ConvTilings> = {
  cpu: { fwd: { tm: 16, tn4: 1, wgx: 8, wgy: 8 }, wgrad: { tm: 8, tn4: 2, wgx: 8, wgy: 8 } },
  gpu: { fwd: CONV_SHARED_CANDIDATES[0]!, wgrad: WGRAD_SHARED_CANDIDATES[0]! },
};

/**
 * Chosen by `ncl bench conv --tilings` on llvmpipe (bench/RESULTS.md): for the forward kernel
 * (also the input gradient) 16 rows × 4 points was the fastest, or within the noise of 12×4, on
 * shapes a, b, d and e; for the weight gradient 8 rows × 8 columns was the fastest on a, b, c
 * and d (the stem e prefers 8×4 there, a few ms). The workgroup-memory kernels are several times
 * slower there and are not candidates on CPU adapters. The GPU profile's default is the 64×64
 * workgroup-memory tiling, matmul's GPU default: each staged value serves 64 rows or columns
 * where the register kernels read every operand from memory per invocation (unmeasured on a
 * GPU so far; the tuner times it against the register tilings there).
 * Shape class: the pass, kernel size and stride, dilation and groups if any, and Cin, Cout and
 * the output pixels of the batch rounded up to powers of two. A class's candidates vary the
 * tiling of its own pass and keep the profile's default for the other kernel.
 */
export const CONV_TILINGS = new VariantFamily<ConvTilings, ConvProblem>(CONV_DEFAULTS, {
  name: 'conv2d',
  // Beside the kernels' own: the sum of the weight gradient's chunks.
  files: [...Object.values(CONV_SHADERS).map((s) => s.file), ...REDUCE_SHADERS],
  classify({ pass, g }) {
    const extra = `${g.dh > 1 || g.dw > 1 ? ' dilated' : ''}${g.groups > 1 ? ` g${g.groups}` : ''}`;
    return `${pass} k${g.KH}x${g.KW} s${g.sh}x${g.sw}${extra} cin${pow2(g.Cin)} cout${pow2(g.Cout)} px${pow2(g.N * g.Ho * g.Wo)}`;
  },
  candidates(profile, cls) {
    const d = CONV_DEFAULTS[profile];
    const gpu = profile === 'gpu';
    return cls.startsWith('wgrad')
      ? [...CONV_CANDIDATES, ...WGRAD_SPLIT_CANDIDATES, ...(gpu ? WGRAD_SHARED_CANDIDATES : [])].map((wgrad) => ({ fwd: d.fwd, wgrad }))
      : [...CONV_CANDIDATES, ...(gpu ? CONV_SHARED_CANDIDATES : [])].map((fwd) => ({ fwd, wgrad: d.wgrad }));
  },
  describe: ({ pass, g }) =>
    `${pass} x[${g.N},${g.Cin},${g.H},${g.W}] w[${g.Cout},${g.Cin / g.groups},${g.KH},${g.KW}] stride ${g.sh},${g.sw} padding ${g.ph},${g.pw} dilation ${g.dh},${g.dw} groups ${g.groups}`,
  trial({ pass, g }) {
    const x = fillKernel([g.N, g.Cin, g.H, g.W], 0.5);
    const w = fillKernel([g.Cout, g.Cin / g.groups, g.KH, g.KW], 0.25);
    const dy = fillKernel([g.N, g.Cout, g.Ho, g.Wo], 0.125);
    const kernels = { fwd: () => conv2dForwardKernel(x, w, g), igrad: () => conv2dInputGradKernel(dy, w, g), wgrad: () => conv2dWeightGradKernel(dy, x, g) };
    return {
      run: () => kernels[pass]().dispose(),
      dispose: () => {
        for (const t of [x, w, dy]) t.dispose();
      },
    };
  },
});

/** One dispatch of shaders/conv2d.wgsl; the weight fields (W…) index the unpacked weights as in
 *  shaders/conv2d_pack.wgsl. See those headers for every field. */
interface GatherConv {
  C: number;
  M: number;
  groups: number;
  HX: number;
  WX: number;
  HG: number;
  WG: number;
  HY: number;
  WY: number;
  SH: number;
  SW: number;
  OSH: number;
  OSW: number;
  ORH: number;
  ORW: number;
  TH: number;
  TW: number;
  OFFH: number;
  OFFW: number;
  DH: number;
  DW: number;
  WBASE: number;
  WSG: number;
  WSM: number;
  WSC: number;
  WSTH: number;
  WSTW: number;
}

/**
 * Fits a tiling to the problem: a shorter tile when there are fewer rows than it (the input
 * gradient of a 3-channel stem), and a workgroup no taller than the rows need and no wider than
 * the columns need (the weight gradient of a stem has 27 columns), so no invocation idles.
 */
function fitTiling(t: ConvTiling, rows: number, cols: number, minTm = 1): ConvTiling {
  const tm = Math.max(minTm, Math.min(t.tm, pow2(rows)));
  const wgy = Math.min(t.wgy, pow2(Math.ceil(rows / tm)));
  const wgx = Math.min((t.wgx * t.wgy) / wgy, pow2(Math.ceil(cols / (4 * t.tn4))));
  return { tm, tn4: t.tn4, wgx, wgy };
}

/** Rows of a workgroup-memory tile staged and multiplied per barrier (BK in the shaders). */
const SHARED_BK = 16;

/**
 * The shapes the workgroup-memory kernels take: tm a multiple of 4 (rows in vec4 groups), wgx
 * and wgy powers of two, 4·tn4 ≤ wgy ≤ 64·tn4 (a block's 4·tn4·wgx columns divide its
 * invocations and fill a BK-deep slice in whole rows) and wgx dividing 16·tm (the weight
 * gradient's invocations fill BK-deep slices of its tm·wgy rows the same way).
 */
function checkSharedTiling(t: ConvTiling): void {
  const isPow2 = (v: number) => Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0;
  const fits = t.tm % 4 === 0 && isPow2(t.tn4) && isPow2(t.wgx) && isPow2(t.wgy) && 4 * t.tn4 <= t.wgy && t.wgy <= 64 * t.tn4 && (SHARED_BK * t.tm) % t.wgx === 0 && t.wgx * t.wgy >= SHARED_BK;
  if (!fits) throw new Error(`conv2d: workgroup-memory tiling ${JSON.stringify(t)} needs tm a multiple of 4, powers of two tn4, wgx and wgy, 4·tn4 ≤ wgy ≤ 64·tn4, wgx dividing 16·tm and at least ${SHARED_BK} invocations`);
}

/** A workgroup-memory tiling fitted to the rows: no taller than they need, but at least 4·tn4 tall. */
function fitSharedTiling(t: ConvTiling, rows: number): ConvTiling {
  checkSharedTiling(t);
  return { ...t, wgy: Math.max(4 * t.tn4, Math.min(t.wgy, pow2(Math.ceil(rows / t.tm)))) };
}

/** Loop iterations of one BK-deep slice of a workgroup-memory kernel, an upper bound for
 *  llvmpipe's loop budget: the staging loops, then BK steps over the register tile. */
function sharedIterationsPerSlice(t: ConvTiling): number {
  const invocations = t.wgx * t.wgy;
  const tm4 = t.tm / 4;
  const staged = Math.ceil((SHARED_BK * t.tm * t.wgy) / invocations) + Math.ceil((SHARED_BK * 4 * t.tn4 * t.wgx) / invocations);
  return 1 + staged + SHARED_BK * (1 + t.tn4 + tm4 * (1 + 4 * (1 + t.tn4)));
}

/** The workgroup-memory kernels' specialisation: tile and workgroup shape, buffers. */
function sharedConstants(t: ConvTiling) {
  return { TM4: t.tm / 4, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy, NBUF: t.doubleBuffer ? 2 : 1 };
}

const sharedName = (t: ConvTiling) => `shared:${t.tm}x${4 * t.tn4},${t.wgx}x${t.wgy}${t.doubleBuffer ? ',double-buffered' : ''}`;

function packWeights(op: string, w: Storage, p: GatherConv): { packed: Storage; MP: number } {
  const MP = Math.ceil(p.M / 4) * 4;
  const count = p.groups * p.TH * p.TW * p.C * MP;
  // A residue class that no tap reaches packs nothing; its binding still needs one vec4.
  const packed = Storage.empty([Math.max(4, count)]);
  launch({
    op: `${op}-pack-weights`,
    kernel: declaredKernel(CONV_SHADERS.pack, 'conv2dPack'),
    reads: { w },
    writes: { packed },
    params: { C: p.C, M: p.M, MP, TH: p.TH, TW: p.TW, WBASE: p.WBASE, WSG: p.WSG, WSM: p.WSM, WSC: p.WSC, WSTH: p.WSTH, WSTW: p.WSTW },
    items: count,
  });
  return { packed, MP };
}

function gatherConv(op: string, x: Storage, w: Storage, y: Storage, N: number, p: GatherConv, tiling: ConvTiling): void {
  // Rows are read four at a time from the packed weights: tiles of at least 4 rows.
  const t = tiling.shared ? fitSharedTiling(tiling, p.M) : fitTiling(tiling, p.M, p.HG * p.WG, 4);
  const { packed, MP } = packWeights(op, w, p);
  // The weight fields are the packing's; the GEMM reads the packed weights.
  const { WBASE, WSG, WSM, WSC, WSTH, WSTW, ...gemm } = p;
  const columns = p.HG * p.WG;
  const name = t.shared ? `conv2d:${sharedName(t)}` : `conv2d[${t.tm}x${4 * t.tn4},${t.wgx}x${t.wgy}]`;
  if (t.shared) checkLoopBudget(name, Math.ceil((p.TH * p.TW * p.C) / SHARED_BK) * sharedIterationsPerSlice(t), `a reduction over ${p.TH * p.TW}·${p.C} taps and channels`);
  launch({
    op,
    kernel: t.shared ? declaredKernel(CONV_SHADERS.gemmShared, name, sharedConstants(t)) : declaredKernel(CONV_SHADERS.gemm, name, { TM: t.tm, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy }),
    reads: { x, wp: packed },
    writes: { y },
    params: { ...gemm, MP },
    workgroups: [Math.ceil(columns / (4 * t.tn4 * t.wgx)), Math.ceil(p.M / (t.tm * t.wgy)), N * p.groups],
  });
  packed.dispose();
}

/** y = conv2d(x, w) without bias: [N, Cout, Ho, Wo]. */
export function conv2dForwardKernel(x: Storage, w: Storage, g: ConvGeometry): Storage {
  if (isPointwise(g)) {
    const w2 = w.view([g.Cout, g.Cin]);
    const x3 = x.view([g.N, g.Cin, g.H * g.W]);
    const y = matmulKernel({ a: w2, b: x3, transA: false, transB: false });
    const out = y.view([g.N, g.Cout, g.Ho, g.Wo]);
    for (const t of [w2, x3, y]) t.dispose();
    return out;
  }
  const y = Storage.empty([g.N, g.Cout, g.Ho, g.Wo]);
  const KK = g.KH * g.KW;
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  gatherConv('conv2d', x, w, y, g.N, {
    C: Cg, M: Mg, groups: g.groups, HX: g.H, WX: g.W, HG: g.Ho, WG: g.Wo, HY: g.Ho, WY: g.Wo,
    SH: g.sh, SW: g.sw, OSH: 1, OSW: 1, ORH: 0, ORW: 0, TH: g.KH, TW: g.KW,
    OFFH: -g.ph, OFFW: -g.pw, DH: g.dh, DW: g.dw,
    WBASE: 0, WSG: Mg * Cg * KK, WSM: Cg * KK, WSC: KK, WSTH: g.KW, WSTW: 1,
  }, CONV_TILINGS.current({ pass: 'fwd', g }).fwd);
  return y;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The taps of one axis that reach input positions i ≡ r (mod s) in the transposed convolution.
 * Tap k sends output o to input i = o·s − p + k·d, so i = r + s·j receives from
 * o = j + (r + p − k·d)/s for the taps with (r + p − k·d) ≡ 0 (mod s): k = k0 + q·t with
 * q = s / gcd(s, d), giving o = j + off − t·(d / gcd(s, d)).
 */
export function residueTaps(r: number, s: number, p: number, d: number, k: number, size: number) {
  const grid = Math.ceil((size - r) / s);
  const mod = (a: number) => ((a % s) + s) % s;
  let k0 = 0;
  while (k0 < k && mod(r + p - k0 * d) !== 0) k0++;
  if (k0 === k) return { grid, k0: 0, q: 1, taps: 0, off: 0, step: 0 };
  const g = gcd(s, d);
  const q = s / g;
  return { grid, k0, q, taps: Math.ceil((k - k0) / q), off: (r + p - k0 * d) / s, step: -d / g };
}

/** dx = the input gradient of conv2d given dy [N, Cout, Ho, Wo]: one dispatch per stride residue. */
export function conv2dInputGradKernel(dy: Storage, w: Storage, g: ConvGeometry): Storage {
  if (isPointwise(g)) {
    const w2 = w.view([g.Cout, g.Cin]);
    const dy3 = dy.view([g.N, g.Cout, g.Ho * g.Wo]);
    const dx = matmulKernel({ a: w2, b: dy3, transA: true, transB: false });
    const out = dx.view([g.N, g.Cin, g.H, g.W]);
    for (const t of [w2, dy3, dx]) t.dispose();
    return out;
  }
  const dx = Storage.empty([g.N, g.Cin, g.H, g.W]);
  const KK = g.KH * g.KW;
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  const tiling = CONV_TILINGS.current({ pass: 'igrad', g }).fwd;
  for (let rh = 0; rh < Math.min(g.sh, g.H); rh++) {
    const th = residueTaps(rh, g.sh, g.ph, g.dh, g.KH, g.H);
    for (let rw = 0; rw < Math.min(g.sw, g.W); rw++) {
      const tw = residueTaps(rw, g.sw, g.pw, g.dw, g.KW, g.W);
      gatherConv('conv2d-input-grad', dy, w, dx, g.N, {
        C: Mg, M: Cg, groups: g.groups, HX: g.Ho, WX: g.Wo, HG: th.grid, WG: tw.grid, HY: g.H, WY: g.W,
        SH: 1, SW: 1, OSH: g.sh, OSW: g.sw, ORH: rh, ORW: rw, TH: th.taps, TW: tw.taps,
        OFFH: th.off, OFFW: tw.off, DH: th.step, DW: tw.step,
        WBASE: th.k0 * g.KW + tw.k0, WSG: Mg * Cg * KK, WSM: KK, WSC: Cg * KK, WSTH: th.q * g.KW, WSTW: tw.q,
      }, tiling);
    }
  }
  return dx;
}

/** Invocations the weight gradient aims for, splitting its reduction into chunks to get them. */
const WGRAD_TARGET_INVOCATIONS = 4096;
const WGRAD_MIN_CHUNK = 256;

/** dw [Cout, Cin/groups, KH, KW] = Σ over batch and output pixels of dy ⊗ input patches. */
export function conv2dWeightGradKernel(dy: Storage, x: Storage, g: ConvGeometry): Storage {
  if (isPointwise(g)) return pointwiseWeightGrad(dy, x, g);
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  const Q = Cg * g.KH * g.KW;
  const chosen = CONV_TILINGS.current({ pass: 'wgrad', g }).wgrad;
  const t = chosen.shared ? fitSharedTiling(chosen, Mg) : fitTiling(chosen, Mg, Q);
  const name = t.shared ? `conv2dWgrad:${sharedName(t)}` : `conv2dWgrad[${t.tm}x${4 * t.tn4},${t.wgx}x${t.wgy}]`;
  const workgroups = [Math.ceil(Q / (4 * t.tn4 * t.wgx)), Math.ceil(Mg / (t.tm * t.wgy))] as const;
  // Invocations of one chunk (those with a register tile; every one of a workgroup-memory block),
  // and the pixels one invocation may sum within a CPU adapter's loop budget (the register
  // kernel: one loop iteration per pixel).
  const perChunk = g.groups * (t.shared ? workgroups[0] * workgroups[1] * t.wgx * t.wgy : Math.ceil(Q / (4 * t.tn4)) * Math.ceil(Mg / t.tm));
  const budget = t.shared ? Math.floor(loopBudget() / sharedIterationsPerSlice(t)) * SHARED_BK : loopBudget();
  const R = g.N * g.Ho * g.Wo;
  // Enough chunks to fill the device, and never a chunk longer than a CPU adapter's loop budget.
  const target = chosen.invocations ?? WGRAD_TARGET_INVOCATIONS;
  const nchunks = Math.max(1, Math.min(Math.ceil(target / perChunk), Math.floor(R / WGRAD_MIN_CHUNK)), Math.ceil(R / budget));
  const chunk = Math.ceil(R / nchunks);
  const used = Math.ceil(R / chunk);
  const shape = [g.Cout, Cg, g.KH, g.KW];
  const part = Storage.empty(used === 1 ? shape : [used, g.Cout * Q]);
  launch({
    op: 'conv2d-weight-grad',
    kernel: t.shared ? declaredKernel(CONV_SHADERS.wgradShared, name, sharedConstants(t)) : declaredKernel(CONV_SHADERS.wgrad, name, { TM: t.tm, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy }),
    reads: { dy, x },
    writes: { part },
    params: { C: Cg, M: Mg, groups: g.groups, N: g.N, H: g.H, W: g.W, HO: g.Ho, WO: g.Wo, KH: g.KH, KW: g.KW, SH: g.sh, SW: g.sw, chunk, PAD_H: g.ph, PAD_W: g.pw, DIL_H: g.dh, DIL_W: g.dw },
    workgroups: [...workgroups, used * g.groups],
  });
  if (used === 1) return part;
  const dw = reduceKernel('sum', part, 1, used, g.Cout * Q, shape);
  part.dispose();
  return dw;
}

/**
 * 1×1 weight gradient through the matmul kernel: dWᵀ = Σ_n X[n] · dY[n]ᵀ (Cin × Cout per image;
 * measured faster than dW = Σ_n dY[n] · X[n]ᵀ, whose transposed operand is the larger one), then
 * the sum over n in increasing order and one transpose.
 */
function pointwiseWeightGrad(dy: Storage, x: Storage, g: ConvGeometry): Storage {
  const P = g.H * g.W;
  const x3 = x.view([g.N, g.Cin, P]);
  const dy3 = dy.view([g.N, g.Cout, P]);
  const perImage = matmulKernel({ a: x3, b: dy3, transA: false, transB: true });
  const dwT = reduceKernel('sum', perImage, 1, g.N, g.Cin * g.Cout, [g.Cin, g.Cout]);
  const dw = gatherStrided('conv2d-weight-grad', dwT, { shape: [g.Cout, g.Cin, 1, 1], strides: [1, g.Cout, 0, 0], offset: 0 });
  for (const t of [x3, dy3, perImage, dwT]) t.dispose();
  return dw;
}
