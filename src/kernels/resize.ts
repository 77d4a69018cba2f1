// Resampling kernels (shaders/resize*.wgsl): the 2-tap interpolation tables are computed once on
// the CPU in float64, so the forward pass and its gradient use exactly the same weights.
import { Storage, formatShape } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';

/** The input's and the output's plane sizes, shared by the resampling and its gradient. */
const RESIZE_PARAMS = { HI: 'u32', WI: 'u32', HO: 'u32', WO: 'u32' } as const;
/** taps: (i0, i1, w0, w1) per output index, the HO rows and then the WO columns. */
const RESIZE = shader('resize', { reads: { x: 'f32', taps: 'vec4<f32>' }, writes: { y: 'f32' }, params: RESIZE_PARAMS, perItem: true });
/** inv: the inverse taps as CSR of (output index, weight) pairs (see resizeGradKernel). */
const RESIZE_GRAD = shader('resize_grad', { reads: { g: 'f32', inv: 'vec2<f32>' }, writes: { dx: 'f32' }, params: RESIZE_PARAMS, perItem: true });

export type ResizeMode = 'bilinear' | 'nearest';

export interface ResizeSpec {
  size: readonly [number, number];
  mode: ResizeMode;
  /** Bilinear only: map corner pixel centres onto each other (PyTorch's align_corners). */
  alignCorners: boolean;
}

/** One output index's taps: input indices i0, i1 and weights w0, w1. */
export interface Taps {
  i0: number;
  i1: number;
  w0: number;
  w1: number;
}

/**
 * Source taps along one axis (PyTorch's conventions, sizes given):
 *   bilinear, alignCorners:  s = o·(in − 1)/(out − 1)
 *   bilinear, otherwise:     s = max(0, (o + ½)·in/out − ½)
 *   nearest:                 i0 = min(⌊o·in/out⌋, in − 1), weights (1, 0)
 * then i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1), weights (1 − (s − i0), s − i0).
 */
export function axisTaps(inSize: number, outSize: number, mode: ResizeMode, alignCorners: boolean): Taps[] {
  return Array.from({ length: outSize }, (_, o) => {
    if (mode === 'nearest') {
      const i0 = Math.min(Math.floor((o * inSize) / outSize), inSize - 1);
      return { i0, i1: i0, w0: 1, w1: 0 };
    }
    const s = alignCorners ? (outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0) : Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l = s - i0;
    return { i0, i1, w0: 1 - l, w1: l };
  });
}

function planes(x: Storage): { P: number; HI: number; WI: number } {
  if (x.rank !== 4) throw new Error(`resize: input must be NCHW, got ${formatShape(x.shape)}`);
  const [N, C, HI, WI] = x.shape as [number, number, number, number];
  return { P: N * C, HI, WI };
}

export function resizeKernel(x: Storage, spec: ResizeSpec): Storage {
  const { HI, WI } = planes(x);
  const [HO, WO] = spec.size;
  const rows = axisTaps(HI, HO, spec.mode, spec.alignCorners);
  const cols = axisTaps(WI, WO, spec.mode, spec.alignCorners);
  const taps = Storage.fromArray(new Float32Array([...rows, ...cols].flatMap((t) => [t.i0, t.i1, t.w0, t.w1])), [HO + WO, 4]);
  const y = Storage.empty([x.shape[0]!, x.shape[1]!, HO, WO]);
  launch({
    op: `resize-${spec.mode}`,
    kernel: declaredKernel(RESIZE, 'resize'),
    reads: { x, taps },
    writes: { y },
    params: { HI, WI, HO, WO },
    items: y.size,
  });
  taps.dispose();
  return y;
}

/** For each input index, the (output index, weight) pairs that read it, in increasing output index. */
function inverse(taps: Taps[], inSize: number): Array<Array<[number, number]>> {
  const lists = Array.from({ length: inSize }, () => [] as Array<[number, number]>);
  taps.forEach((t, o) => {
    lists[t.i0]!.push([o, t.w0]);
    lists[t.i1]!.push([o, t.w1]);
  });
  return lists;
}

/** dx of resizeKernel for an input of shape xShape given g (see resize_grad.wgsl for the layout). */
export function resizeGradKernel(g: Storage, xShape: readonly number[], spec: ResizeSpec): Storage {
  const [N, C, HI, WI] = xShape as [number, number, number, number];
  const [HO, WO] = spec.size;
  const rowLists = inverse(axisTaps(HI, HO, spec.mode, spec.alignCorners), HI);
  const colLists = inverse(axisTaps(WI, WO, spec.mode, spec.alignCorners), WI);
  const starts: number[] = [];
  const entries: number[] = [];
  let at = HI + 1 + WI + 1;
  for (const lists of [rowLists, colLists]) {
    for (const l of lists) {
      starts.push(at);
      at += l.length;
      for (const [o, w] of l) entries.push(o, w);
    }
    starts.push(at);
  }
  const table = Storage.fromArray(new Float32Array([...starts.flatMap((s) => [s, 0]), ...entries]), [at, 2]);
  const dx = Storage.empty(xShape);
  launch({
    op: `resize-${spec.mode}-grad`,
    kernel: declaredKernel(RESIZE_GRAD, 'resizeGrad'),
    reads: { g, inv: table },
    writes: { dx },
    params: { HI, WI, HO, WO },
    items: N * C * HI * WI,
  });
  table.dispose();
  return dx;
}
