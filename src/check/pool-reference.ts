// Float64 max and average pooling, for the tests and `ncl selfcheck`.
import type { PoolOptions } from '../index.ts';
import { arr, type Arr } from './reference.ts';
import { maxOf } from '../common/extent.ts';

export const pair = (v: number | readonly [number, number]) => (typeof v === 'number' ? [v, v] : [v[0], v[1]]) as [number, number];

export function refPool(x: Arr, o: PoolOptions, max: boolean): Arr {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [KH, KW] = pair(o.kernel);
  const [SH, SW] = pair(o.stride ?? o.kernel);
  const [PH, PW] = pair(o.padding ?? 0);
  const HO = Math.floor((H + 2 * PH - KH) / SH) + 1;
  const WO = Math.floor((W + 2 * PW - KW) / SW) + 1;
  const y = arr([N, C, HO, WO]);
  for (let p = 0; p < N * C; p++)
    for (let oy = 0; oy < HO; oy++)
      for (let ox = 0; ox < WO; ox++) {
        const vals: number[] = [];
        for (let r = oy * SH - PH; r < oy * SH - PH + KH; r++)
          for (let c = ox * SW - PW; c < ox * SW - PW + KW; c++) if (r >= 0 && r < H && c >= 0 && c < W) vals.push(x.data[(p * H + r) * W + c]!);
        const sum = vals.reduce((a, b) => a + b, 0);
        y.data[(p * HO + oy) * WO + ox] = max ? maxOf(vals) : sum / ((o.countIncludePad ?? true) ? KH * KW : vals.length);
      }
  return y;
}
