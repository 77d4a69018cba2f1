// Float64 direct convolution (every output × weight × input tap, stride, padding, dilation,
// groups), for the tests and `ncl selfcheck`.
import { convGeometry, type Conv2dOptions, type ConvGeometry } from '../kernels/conv-geometry.ts';
import { arr, type Arr } from './reference.ts';

/** Visits every (output, weight, input) triple of the direct convolution (inputs outside are skipped). */
export function eachTap(g: ConvGeometry, f: (yi: number, wi: number, xi: number) => void): void {
  const Cg = g.Cin / g.groups;
  const Mg = g.Cout / g.groups;
  for (let n = 0; n < g.N; n++)
    for (let co = 0; co < g.Cout; co++)
      for (let oh = 0; oh < g.Ho; oh++)
        for (let ow = 0; ow < g.Wo; ow++) {
          const yi = ((n * g.Cout + co) * g.Ho + oh) * g.Wo + ow;
          const grp = Math.floor(co / Mg);
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < g.KH; kh++) {
              const ih = oh * g.sh - g.ph + kh * g.dh;
              if (ih < 0 || ih >= g.H) continue;
              for (let kw = 0; kw < g.KW; kw++) {
                const iw = ow * g.sw - g.pw + kw * g.dw;
                if (iw < 0 || iw >= g.W) continue;
                const xi = ((n * g.Cin + grp * Cg + c) * g.H + ih) * g.W + iw;
                f(yi, ((co * Cg + c) * g.KH + kh) * g.KW + kw, xi);
              }
            }
        }
}

export function refConv(x: Arr, w: Arr, b: Arr | null, o: Conv2dOptions): Arr {
  const g = convGeometry(x.shape, w.shape, o);
  const y = arr([g.N, g.Cout, g.Ho, g.Wo]);
  eachTap(g, (yi, wi, xi) => (y.data[yi]! += w.data[wi]! * x.data[xi]!));
  if (b) for (let i = 0; i < y.data.length; i++) y.data[i]! += b.data[Math.floor(i / (g.Ho * g.Wo)) % g.Cout]!;
  return y;
}
