// The geometry of a 2-D convolution, with no device: its sizes, checked once (the output size
// among them), and each pass as the implicit GEMM that shaders/conv2d*.wgsl compute — the forward
// pass, and the input gradient as one transposed convolution per residue class of the input
// pixels modulo the stride, with the strides by which the weights are packed for each
// (shaders/conv2d_pack.wgsl). conv.ts dispatches them; conv-tilings.ts chooses their tiles.
import { formatShape } from '../storage/storage.ts';

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

/** A 1×1 convolution with stride 1, no padding and one group: a plain matmul over NCHW. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.groups === 1;
}

/** One dispatch of shaders/conv2d.wgsl (or conv2d_shared.wgsl); the weight fields (W…) index the
 *  unpacked weights as in shaders/conv2d_pack.wgsl. See those headers for every field. */
export interface GatherConv {
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

/** The forward pass as one gathered GEMM: rows the output channels of a group, columns the output
 *  pixels, the reduction over taps and input channels. */
export function forwardGemm(g: ConvGeometry): GatherConv {
  const KK = g.KH * g.KW;
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  return {
    C: Cg, M: Mg, groups: g.groups, HX: g.H, WX: g.W, HG: g.Ho, WG: g.Wo, HY: g.Ho, WY: g.Wo,
    SH: g.sh, SW: g.sw, OSH: 1, OSW: 1, ORH: 0, ORW: 0, TH: g.KH, TW: g.KW,
    OFFH: -g.ph, OFFW: -g.pw, DH: g.dh, DW: g.dw,
    WBASE: 0, WSG: Mg * Cg * KK, WSM: Cg * KK, WSC: KK, WSTH: g.KW, WSTW: 1,
  };
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
function residueTaps(r: number, s: number, p: number, d: number, k: number, size: number) {
  const grid = Math.ceil((size - r) / s);
  const mod = (a: number) => ((a % s) + s) % s;
  let k0 = 0;
  while (k0 < k && mod(r + p - k0 * d) !== 0) k0++;
  if (k0 === k) return { grid, k0: 0, q: 1, taps: 0, off: 0, step: 0 };
  const g = gcd(s, d);
  const q = s / g;
  return { grid, k0, q, taps: Math.ceil((k - k0) / q), off: (r + p - k0 * d) / s, step: -d / g };
}

/** The input gradient as gathered GEMMs, one per residue class (rh, rw) of the input pixels
 *  modulo the stride: rows the input channels of a group, columns the class's pixels, the
 *  reduction over the taps that reach the class and the output channels. */
export function inputGradGemms(g: ConvGeometry): GatherConv[] {
  const KK = g.KH * g.KW;
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  const gemms: GatherConv[] = [];
  for (let rh = 0; rh < Math.min(g.sh, g.H); rh++) {
    const th = residueTaps(rh, g.sh, g.ph, g.dh, g.KH, g.H);
    for (let rw = 0; rw < Math.min(g.sw, g.W); rw++) {
      const tw = residueTaps(rw, g.sw, g.pw, g.dw, g.KW, g.W);
      gemms.push({
        C: Mg, M: Cg, groups: g.groups, HX: g.Ho, WX: g.Wo, HG: th.grid, WG: tw.grid, HY: g.H, WY: g.W,
        SH: 1, SW: 1, OSH: g.sh, OSW: g.sw, ORH: rh, ORW: rw, TH: th.taps, TW: tw.taps,
        OFFH: th.off, OFFW: tw.off, DH: th.step, DW: tw.step,
        WBASE: th.k0 * g.KW + tw.k0, WSG: Mg * Cg * KK, WSM: KK, WSC: Cg * KK, WSTH: th.q * g.KW, WSTW: tw.q,
      });
    }
  }
  return gemms;
}
