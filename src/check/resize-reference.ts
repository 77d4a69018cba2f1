// Float64 bilinear (both corner conventions) and nearest resizing, for the tests and `ncl selfcheck`.
import { arr, type Arr } from './reference.ts';

/** Source coordinate of output index o along an axis. */
export function source(o: number, inSize: number, outSize: number, align: boolean): number {
  if (align) return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
  return Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5);
}

export function refBilinear(x: Arr, HO: number, WO: number, align: boolean): Arr {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const y = arr([N, C, HO, WO]);
  const at = (p: number, r: number, c: number) => x.data[(p * H + Math.min(r, H - 1)) * W + Math.min(c, W - 1)]!;
  for (let p = 0; p < N * C; p++)
    for (let oy = 0; oy < HO; oy++)
      for (let ox = 0; ox < WO; ox++) {
        const sy = source(oy, H, HO, align);
        const sx = source(ox, W, WO, align);
        const y0 = Math.min(Math.floor(sy), H - 1);
        const x0 = Math.min(Math.floor(sx), W - 1);
        const ly = sy - y0;
        const lx = sx - x0;
        y.data[(p * HO + oy) * WO + ox] =
          (1 - ly) * ((1 - lx) * at(p, y0, x0) + lx * at(p, y0, x0 + 1)) + ly * ((1 - lx) * at(p, y0 + 1, x0) + lx * at(p, y0 + 1, x0 + 1));
      }
  return y;
}

export function refNearest(x: Arr, HO: number, WO: number): Arr {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const y = arr([N, C, HO, WO]);
  for (let p = 0; p < N * C; p++)
    for (let oy = 0; oy < HO; oy++)
      for (let ox = 0; ox < WO; ox++) {
        const iy = Math.min(Math.floor((oy * H) / HO), H - 1);
        const ix = Math.min(Math.floor((ox * W) / WO), W - 1);
        y.data[(p * HO + oy) * WO + ox] = x.data[(p * H + iy) * W + ix]!;
      }
  return y;
}
