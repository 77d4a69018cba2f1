// Max and average pooling kernels (shaders/pool*.wgsl).
import { Storage, formatShape } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';
import type { Pair } from './conv.ts';

export interface PoolOptions {
  kernel: Pair;
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  /** Average pooling: divide by the whole window (true, PyTorch's default) or by the pixels inside. */
  countIncludePad?: boolean;
}

export interface PoolGeometry {
  max: boolean;
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  SH: number;
  SW: number;
  PH: number;
  PW: number;
  HO: number;
  WO: number;
  includePad: boolean;
}

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export function poolGeometry(op: string, shape: readonly number[], o: PoolOptions, max: boolean): PoolGeometry {
  if (shape.length !== 4) throw new Error(`${op}: input must be NCHW, got ${formatShape(shape)}`);
  const [N, C, H, W] = shape as [number, number, number, number];
  const [KH, KW] = pair(o.kernel);
  const [SH, SW] = pair(o.stride ?? o.kernel);
  const [PH, PW] = pair(o.padding ?? 0);
  if ([KH, KW, SH, SW].some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${op}: kernel and stride must be positive integers`);
  if (!Number.isInteger(PH) || !Number.isInteger(PW) || PH < 0 || PW < 0 || 2 * PH > KH || 2 * PW > KW) {
    throw new Error(`${op}: padding must be between 0 and half the kernel size, got [${PH},${PW}] for kernel [${KH},${KW}]`);
  }
  const HO = Math.floor((H + 2 * PH - KH) / SH) + 1;
  const WO = Math.floor((W + 2 * PW - KW) / SW) + 1;
  if (HO < 1 || WO < 1) throw new Error(`${op}: kernel [${KH},${KW}] is larger than the padded input ${formatShape(shape)}`);
  return { max, N, C, H, W, KH, KW, SH, SW, PH, PW, HO, WO, includePad: o.countIncludePad ?? true };
}

function params(count: number, g: PoolGeometry): ArrayBuffer {
  return uniforms()
    .u32(count, g.H, g.W, g.HO, g.WO, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.includePad ? 1 : 0)
    .finish();
}

/** The pooled map, or (argmax, u32) the in-plane index of each window's first maximum. */
export function poolKernel(x: Storage, g: PoolGeometry, argmax = false): Storage {
  const y = Storage.empty([g.N, g.C, g.HO, g.WO], argmax ? 'u32' : 'f32');
  const name = argmax ? 'maxPoolArgmax' : g.max ? 'maxPool' : 'avgPool';
  launch({
    op: argmax ? 'maxPool2d-argmax' : g.max ? 'maxPool2d' : 'avgPool2d',
    kernel: itemKernel(name, 'pool', { MAX: g.max, ARGMAX: argmax, OUT: argmax ? 'u32' : 'f32' }),
    reads: [x],
    writes: [y],
    uniforms: params(y.size, g),
    items: y.size,
  });
  return y;
}

/** dx of pooling: max pooling reads the argmax its forward pass saved (poolKernel with argmax),
 *  average pooling reads nothing but the geometry (`source` is then the input, unused). */
export function poolGradKernel(source: Storage, grad: Storage, g: PoolGeometry): Storage {
  if (g.max !== (source.dtype === 'u32')) throw new Error(`pool gradient: ${g.max ? 'max pooling needs its u32 argmax' : 'average pooling takes the f32 input'}, got ${source.describe()}`);
  const dx = Storage.empty([g.N, g.C, g.H, g.W]);
  launch({
    op: g.max ? 'maxPool2d-grad' : 'avgPool2d-grad',
    kernel: itemKernel(g.max ? 'maxPoolGrad' : 'avgPoolGrad', 'pool_grad', { MAX: g.max, SRC: source.dtype }),
    reads: [source, grad],
    writes: [dx],
    uniforms: params(dx.size, g),
    items: dx.size,
  });
  return dx;
}
