// Gradient of pool.wgsl as a gather over the windows that contain each input pixel (no atomics):
//   dx[p, r, c] = Σ_{(oy, ox): window ∋ (r, c)} g[p, oy, ox] · share(oy, ox)
//   AVG: share = 1 / divisor(oy, ox)
//   MAX: share = 1 if (r, c) is the window's first maximum in row-major order, else 0; that
//        position is the u32 argmax the forward pass saved (`src`, SRC = u32; for AVG the input,
//        unused, SRC = f32).
// Windows containing row r: oy·SH − PH ≤ r ≤ oy·SH − PH + KH − 1; summed in increasing (oy, ox).
// Interface: POOL_GRAD in src/kernels/pool.ts.

const MAX: bool = {{MAX}};

// First range [lo, hi] of windows along one axis that contain pixel index i.
fn windows(i: u32, k: u32, s: u32, pad: u32, n: u32) -> vec2<u32> {
  let top = i32(i + pad) - i32(k) + 1;
  let lo = select(0u, (u32(top) + s - 1u) / s, top > 0);
  let hi = min((i + pad) / s, n - 1u);
  return vec2<u32>(lo, hi);
}

// Pixels of window (oy, ox) inside the image.
fn inside(oy: u32, ox: u32) -> u32 {
  let y0 = i32(oy * params.SH) - i32(params.PH);
  let x0 = i32(ox * params.SW) - i32(params.PW);
  let rows = min(y0 + i32(params.KH), i32(params.H)) - max(y0, 0);
  let cols = min(x0 + i32(params.KW), i32(params.W)) - max(x0, 0);
  return u32(rows * cols);
}

fn item(i: u32) {
  let c = i % params.W;
  let r = (i / params.W) % params.H;
  let p = i / (params.W * params.H);
  let gBase = p * params.HO * params.WO;
  let ys = windows(r, params.KH, params.SH, params.PH, params.HO);
  let xs = windows(c, params.KW, params.SW, params.PW, params.WO);
  var acc = 0.0;
  for (var oy = ys.x; oy <= ys.y; oy++) {
    for (var ox = xs.x; ox <= xs.y; ox++) {
      let go = g[gBase + oy * params.WO + ox];
      if (MAX) {
        if (u32(src[gBase + oy * params.WO + ox]) == r * params.W + c) {
          acc += go;
        }
      } else {
        let divisor = select(inside(oy, ox), params.KH * params.KW, params.includePad == 1u);
        acc += go / f32(divisor);
      }
    }
  }
  dx[i] = acc;
}
