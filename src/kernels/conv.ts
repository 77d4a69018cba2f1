// 2-D convolution: the dispatches of the forward pass, the input gradient and the weight gradient
// (shaders/conv2d*.wgsl), and the family of their tilings. The geometry of each pass is in
// conv-geometry.ts, the tilings and the kinds of kernel they take in conv-tilings.ts.
//
// Every pass is an implicit GEMM: patches are read from the input where the product needs them,
// so strides and dilations cost index arithmetic, never a copy. Two kernels per GEMM: register
// tiles without workgroup memory (conv2d.wgsl, conv2d_wgrad.wgsl; CPU adapters) and the
// workgroup-memory skeleton gemm_tiled.wgsl that matmul_shared.wgsl uses too, with the
// convolution's gathers as its reads (conv2d_shared.wgsl, conv2d_wgrad_shared.wgsl; GPUs).
// 1×1 convolutions with stride 1 and no padding are plain matmuls over the NCHW layout:
// Y[n] = W · X[n] with X[n] seen as a C_in × (H·W) matrix. A strided 1×1 convolution runs the
// implicit GEMM with one tap, which reads every stride-th pixel in place.
import type { KernelInterface } from '../runtime/kernel-interface.ts';
import { Storage } from '../storage/storage.ts';
import { forwardGemm, inputGradGemms, isPointwise, type ConvGeometry, type GatherConv } from './conv-geometry.ts';
import { CONV_DEFAULTS, convCandidates, convClass, describeConvProblem, tileGrid, tileKind, type ConvProblem, type ConvTiling, type ConvTilings } from './conv-tilings.ts';
import { fillKernel } from './elementwise.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { matmulKernel } from './matmul.ts';
import { checkLoopBudget, loopBudget } from './loop-budget.ts';
import { REDUCE_SHADERS, reduceKernel } from './reduce.ts';
import { gatherStrided } from './strided.ts';
import { VariantFamily } from './variants.ts';

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

/** The shaders of each kind of tile (conv-tilings.ts): the gathered GEMM of the forward pass and
 *  input gradient, and the weight gradient's. */
const CONV_SHADERS = {
  register: { gemm: shader('conv2d', CONV2D_INTERFACE), wgrad: shader('conv2d_wgrad', CONV2D_WGRAD_INTERFACE) },
  shared: { gemm: shader('conv2d_shared', CONV2D_INTERFACE), wgrad: shader('conv2d_wgrad_shared', CONV2D_WGRAD_INTERFACE) },
};

/** The tilings in force: the profile's default (conv-tilings.ts), or the tuner's choice for the
 *  pass's shape class. */
export const CONV_TILINGS = new VariantFamily<ConvTilings, ConvProblem>(CONV_DEFAULTS, {
  name: 'conv2d',
  // Beside the kernels' own: the weight packing and the sum of the weight gradient's chunks.
  files: [...Object.values(CONV_SHADERS).flatMap((k) => [k.gemm.file, k.wgrad.file]), CONV2D_PACK.file, ...REDUCE_SHADERS],
  classify: convClass,
  candidates: convCandidates,
  describe: describeConvProblem,
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

function packWeights(op: string, w: Storage, p: GatherConv): { packed: Storage; MP: number } {
  const MP = Math.ceil(p.M / 4) * 4;
  const count = p.groups * p.TH * p.TW * p.C * MP;
  // A residue class that no tap reaches packs nothing; its binding still needs one vec4.
  const packed = Storage.empty([Math.max(4, count)]);
  launch({
    op: `${op}-pack-weights`,
    kernel: declaredKernel(CONV2D_PACK, 'conv2dPack'),
    reads: { w },
    writes: { packed },
    params: { C: p.C, M: p.M, MP, TH: p.TH, TW: p.TW, WBASE: p.WBASE, WSG: p.WSG, WSM: p.WSM, WSC: p.WSC, WSTH: p.WSTH, WSTW: p.WSTW },
    items: count,
  });
  return { packed, MP };
}

function gatherConv(op: string, x: Storage, w: Storage, y: Storage, N: number, p: GatherConv, tiling: ConvTiling): void {
  const kind = tileKind(tiling);
  // Rows are read four at a time from the packed weights: tiles of at least 4 rows.
  const t = kind.fit(tiling, p.M, p.HG * p.WG, 4);
  const K = p.TH * p.TW * p.C;
  const name = `conv2d${kind.label(t)}`;
  checkLoopBudget(name, kind.iterations(t, K), `a reduction over ${p.TH * p.TW}·${p.C} taps and channels`);
  const { packed, MP } = packWeights(op, w, p);
  // The weight fields are the packing's; the GEMM reads the packed weights.
  const { WBASE, WSG, WSM, WSC, WSTH, WSTW, ...gemm } = p;
  launch({
    op,
    kernel: declaredKernel(CONV_SHADERS[kind.kernels].gemm, name, kind.constants(t)),
    reads: { x, wp: packed },
    writes: { y },
    params: { ...gemm, MP },
    workgroups: [...tileGrid(t, p.M, p.HG * p.WG), N * p.groups],
  });
  packed.dispose();
}

/** A 1×1 pass as one matmul over NCHW (H·W = Ho·Wo): out[n] = op(W) · src[n], with W seen as
 *  Cout × Cin — transposed for the input gradient — and src[n] as channels × pixels. */
function pointwiseProduct(w: Storage, src: Storage, transA: boolean, g: ConvGeometry): Storage {
  const [rows, inner] = transA ? [g.Cin, g.Cout] : [g.Cout, g.Cin];
  const w2 = w.view([g.Cout, g.Cin]);
  const src3 = src.view([g.N, inner, g.H * g.W]);
  const y = matmulKernel({ a: w2, b: src3, transA, transB: false });
  const out = y.view([g.N, rows, g.H, g.W]);
  for (const t of [w2, src3, y]) t.dispose();
  return out;
}

/** y = conv2d(x, w) without bias: [N, Cout, Ho, Wo]. */
export function conv2dForwardKernel(x: Storage, w: Storage, g: ConvGeometry): Storage {
  if (isPointwise(g)) return pointwiseProduct(w, x, false, g);
  const y = Storage.empty([g.N, g.Cout, g.Ho, g.Wo]);
  gatherConv('conv2d', x, w, y, g.N, forwardGemm(g), CONV_TILINGS.current({ pass: 'fwd', g }).fwd);
  return y;
}

/** dx = the input gradient of conv2d given dy [N, Cout, Ho, Wo]: one dispatch per stride residue. */
export function conv2dInputGradKernel(dy: Storage, w: Storage, g: ConvGeometry): Storage {
  if (isPointwise(g)) return pointwiseProduct(w, dy, true, g);
  const dx = Storage.empty([g.N, g.Cin, g.H, g.W]);
  const tiling = CONV_TILINGS.current({ pass: 'igrad', g }).fwd;
  for (const p of inputGradGemms(g)) gatherConv('conv2d-input-grad', dy, w, dx, g.N, p, tiling);
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
  const kind = tileKind(chosen);
  const t = kind.fit(chosen, Mg, Q, 1);
  const R = g.N * g.Ho * g.Wo;
  // Enough chunks to fill the device, and never a chunk longer than a CPU adapter's loop budget.
  const target = chosen.invocations ?? WGRAD_TARGET_INVOCATIONS;
  const perChunk = g.groups * kind.summing(t, Mg, Q);
  const nchunks = Math.max(1, Math.min(Math.ceil(target / perChunk), Math.floor(R / WGRAD_MIN_CHUNK)), Math.ceil(R / kind.stepsWithin(t, loopBudget())));
  const chunk = Math.ceil(R / nchunks);
  const used = Math.ceil(R / chunk);
  const shape = [g.Cout, Cg, g.KH, g.KW];
  const part = Storage.empty(used === 1 ? shape : [used, g.Cout * Q]);
  launch({
    op: 'conv2d-weight-grad',
    kernel: declaredKernel(CONV_SHADERS[kind.kernels].wgrad, `conv2dWgrad${kind.label(t)}`, kind.constants(t)),
    reads: { dy, x },
    writes: { part },
    params: { C: Cg, M: Mg, groups: g.groups, N: g.N, H: g.H, W: g.W, HO: g.Ho, WO: g.Wo, KH: g.KH, KW: g.KW, SH: g.sh, SW: g.sw, chunk, PAD_H: g.ph, PAD_W: g.pw, DIL_H: g.dh, DIL_W: g.dw },
    workgroups: [...tileGrid(t, Mg, Q), used * g.groups],
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
