// Float64 pixel-wise softmax cross-entropy (class weights, ignored label) and BCE with logits, for
// the tests and `ncl selfcheck`.
import { arr, type Arr } from './reference.ts';
import { maxOf } from '../common/extent.ts';

export function refCrossEntropy(z: Arr, t: Arr, weights: number[] | null, ignore: number | null): Arr {
  const [N, C] = z.shape as [number, number];
  const HW = z.data.length / (N * C);
  let num = 0;
  let den = 0;
  for (let n = 0; n < N; n++)
    for (let p = 0; p < HW; p++) {
      const y = t.data[n * HW + p]!;
      if (y === ignore || y < 0 || y >= C) continue;
      const zs = Array.from({ length: C }, (_, c) => z.data[(n * C + c) * HW + p]!);
      const m = maxOf(zs);
      const lse = m + Math.log(zs.reduce((s, v) => s + Math.exp(v - m), 0));
      const w = weights ? weights[y]! : 1;
      num += w * (lse - zs[y]!);
      den += w;
    }
  return arr([], [num / den]);
}

export function refBce(x: Arr, t: Arr, pw: number): Arr {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) {
    const xi = x.data[i]!;
    const ti = t.data[i]!;
    s += -(pw * ti * Math.log(1 / (1 + Math.exp(-xi))) + (1 - ti) * Math.log(1 - 1 / (1 + Math.exp(-xi))));
  }
  return arr([], [s / x.data.length]);
}
