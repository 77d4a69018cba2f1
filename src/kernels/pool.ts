// Max and average pooling kernels (shaders/pool*.wgsl).
import { Storage, formatShape } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import type { Pair } from './conv-geometry.ts';

/** The PoolGeometry: input H×W, output HO×WO, window KH×KW, stride SH×SW, padding PH×PW;
 *  includePad 1 when average pooling divides by the whole window. */
const POOL_PARAMS = { H: 'u32', W: 'u32', HO: 'u32', WO: 'u32', KH: 'u32', KW: 'u32', SH: 'u32', SW: 'u32', PH: 'u32', PW: 'u32', includePad: 'u32' } as const;
/** One item per output value; y holds OUT (u32 for the argmax, else f32). */
const POOL = shader('pool', { reads: { x: 'f32' }, writes: { y: '{{OUT}}' }, params: POOL_PARAMS, perItem: true });
/** One item per input pixel; src holds SRC (max pooling's u32 argmax, or average pooling's f32
 *  input, unused), g the gradient of the pooled map. */
const POOL_GRAD = shader('pool_grad', { reads: { src: '{{SRC}}', g: 'f32' }, writes: { dx: 'f32' }, params: POOL_PARAMS, perItem: true });

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

function params(g: PoolGeometry) {
  const { H, W, HO, WO, KH, KW, SH, SW, PH, PW } = g;
  return { H, W, HO, WO, KH, KW, SH, SW, PH, PW, includePad: g.includePad ? 1 : 0 };
}

/** The pooled map, or (argmax, u32) the in-plane index of each window's first maximum. */
export function poolKernel(x: Storage, g: PoolGeometry, argmax = false): Storage {
  const y = Storage.empty([g.N, g.C, g.HO, g.WO], argmax ? 'u32' : 'f32');
  const name = argmax ? 'maxPoolArgmax' : g.max ? 'maxPool' : 'avgPool';
  launch({
    op: argmax ? 'maxPool2d-argmax' : g.max ? 'maxPool2d' : 'avgPool2d',
    kernel: declaredKernel(POOL, name, { MAX: g.max, ARGMAX: argmax, OUT: argmax ? 'u32' : 'f32' }),
    reads: { x },
    writes: { y },
    params: params(g),
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
    kernel: declaredKernel(POOL_GRAD, g.max ? 'maxPoolGrad' : 'avgPoolGrad', { MAX: g.max, SRC: source.dtype }),
    reads: { src: source, g: grad },
    writes: { dx },
    params: params(g),
    items: dx.size,
  });
  return dx;
}
