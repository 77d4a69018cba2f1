// 2-D pooling of x [NC, H, W] over KH×KW windows with stride (SH, SW) and padding (PH, PW):
//   MAX: y[p, oy, ox] = max over the window's pixels inside the image
//   AVG: y[p, oy, ox] = (Σ over the window's pixels inside the image) / divisor,
//        divisor = KH·KW when padding counts (countIncludePad), else the number of pixels inside.
//   ARGMAX (with MAX): y[p, oy, ox] = r·W + c of the window's first maximum in row-major order,
//        as a u32 (OUT = u32); max pooling saves it for its gradient. Every other variant has
//        OUT = f32; each store converts to OUT so that one text serves both.
// Window of (oy, ox): rows oy·SH − PH + [0, KH), columns ox·SW − PW + [0, KW).
// Interface: POOL in src/kernels/pool.ts.

const MAX: bool = {{MAX}};
const ARGMAX: bool = {{ARGMAX}};

fn item(i: u32) {
  let ox = i % params.WO;
  let oy = (i / params.WO) % params.HO;
  let base = (i / (params.WO * params.HO)) * params.H * params.W;
  let y0 = i32(oy * params.SH) - i32(params.PH);
  let x0 = i32(ox * params.SW) - i32(params.PW);
  var best = -3.4028234e38;
  var at = 0u;
  var total = 0.0;
  var inside = 0u;
  for (var kh = 0u; kh < params.KH; kh++) {
    let r = u32(y0 + i32(kh));
    if (r >= params.H) {
      continue;
    }
    for (var kw = 0u; kw < params.KW; kw++) {
      let c = u32(x0 + i32(kw));
      if (c >= params.W) {
        continue;
      }
      let v = x[base + r * params.W + c];
      if (v > best || inside == 0u) {
        best = v;
        at = r * params.W + c;
      }
      total += v;
      inside++;
    }
  }
  if (ARGMAX) {
    y[i] = {{OUT}}(at);
  } else if (MAX) {
    y[i] = {{OUT}}(best);
  } else {
    y[i] = {{OUT}}(total / f32(select(inside, params.KH * params.KW, params.includePad == 1u)));
  }
}
