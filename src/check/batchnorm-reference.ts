// Float64 batch normalisation (per-channel moments over N, H, W and the affine normalisation), for
// the tests and `ncl selfcheck`.
import { arr, type Arr } from './reference.ts';

/** Per-channel mean and biased variance over N, H, W. */
export function moments(x: Arr): { mean: number[]; variance: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const mean = new Array<number>(C).fill(0);
  const variance = new Array<number>(C).fill(0);
  const count = N * H * W;
  const each = (f: (c: number, v: number) => void) => {
    for (let i = 0; i < x.data.length; i++) f(Math.floor(i / (H * W)) % C, x.data[i]!);
  };
  each((c, v) => (mean[c]! += v / count));
  each((c, v) => (variance[c]! += (v - mean[c]!) ** 2 / count));
  return { mean, variance };
}

export function refNorm(x: Arr, w: Arr, b: Arr, mean: ArrayLike<number>, variance: ArrayLike<number>, eps = 1e-5): Arr {
  const [, C, H, W] = x.shape as [number, number, number, number];
  const y = arr([...x.shape]);
  for (let i = 0; i < x.data.length; i++) {
    const c = Math.floor(i / (H * W)) % C;
    y.data[i] = ((x.data[i]! - mean[c]!) / Math.sqrt(variance[c]! + eps)) * w.data[c]! + b.data[c]!;
  }
  return y;
}
