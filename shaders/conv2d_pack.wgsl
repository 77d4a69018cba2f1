// Packs the weights one dispatch of conv2d.wgsl reads into tap-major, row-minor order, so the
// kernel loads four rows m at once as a vec4:
//   packed[((g·TAPS + th·TW + tw)·C + c)·MP + m] = Wt(g, m, c, th, tw)   for m < M, 0 for M ≤ m < MP
//   Wt(g, m, c, th, tw) = w[WBASE + g·WSG + m·WSM + c·WSC + th·WSTH + tw·WSTW]   (as in conv2d.wgsl)
// with TAPS = TH·TW and MP = M rounded up to a multiple of 4. Interface: CONV2D_PACK in
// src/kernels/conv.ts.
fn item(i: u32) {
  let m = i % params.MP;
  let c = (i / params.MP) % params.C;
  let tap = (i / (params.MP * params.C)) % (params.TH * params.TW);
  let g = i / (params.MP * params.C * params.TH * params.TW);
  let th = tap / params.TW;
  let tw = tap % params.TW;
  let at = params.WBASE + g * params.WSG + min(m, params.M - 1u) * params.WSM + c * params.WSC + th * params.WSTH + tw * params.WSTW;
  packed[i] = select(0.0, w[at], m < params.M);
}
