// Separable 2-tap resampling of x [NC, HI, WI] to y [NC, HO, WO] (bilinear, or nearest with
// weights (1, 0)):
//   y[p, oy, ox] = Σ_{a, b ∈ {0,1}} wy_a(oy) · wx_b(ox) · x[p, iy_a(oy), ix_b(ox)]
// The tables come from the CPU (src/kernels/resize.ts), four floats per output index:
// (i0, i1, w0, w1), rows first (HO entries) then columns (WO entries); indices are exact in f32.
// Interface: RESIZE in src/kernels/resize.ts.

fn item(i: u32) {
  let ox = i % params.WO;
  let oy = (i / params.WO) % params.HO;
  let p = i / (params.WO * params.HO);
  let r = taps[oy];
  let c = taps[params.HO + ox];
  let base = p * params.HI * params.WI;
  let row0 = base + u32(r.x) * params.WI;
  let row1 = base + u32(r.y) * params.WI;
  let top = c.z * x[row0 + u32(c.x)] + c.w * x[row0 + u32(c.y)];
  let bottom = c.z * x[row1 + u32(c.x)] + c.w * x[row1 + u32(c.y)];
  y[i] = r.z * top + r.w * bottom;
}
