// Gradient of the per-pixel weighted cross-entropy of loss_softmax_ce.wgsl with respect to the
// logits, given the per-pixel output gradient g [N, HW]:
//   dz[n, c, hw] = g[n, hw] · w · (softmax(z[n, :, hw])_c − [c = t])    (0 where w = 0)
// Interface: SOFTMAX_CE_GRAD in src/kernels/losses.ts.

fn item(i: u32) {
  let hw = i % params.HW;
  let c = (i / params.HW) % params.C;
  let n = i / (params.HW * params.C);
  let pixel = n * params.HW + hw;
  let t = labels[pixel];
  let ignored = params.hasIgnore == 1u && t == params.ignore;
  let cls = i32(round(t));
  if (ignored || cls < 0 || cls >= i32(params.C)) {
    dz[i] = 0.0;
    return;
  }
  let base = n * params.C * params.HW + hw;
  var m = z[base];
  for (var k = 1u; k < params.C; k++) {
    m = max(m, z[base + k * params.HW]);
  }
  var s = 0.0;
  for (var k = 0u; k < params.C; k++) {
    s += exp(z[base + k * params.HW] - m);
  }
  let p = exp(z[i] - m) / s;
  dz[i] = g[pixel] * classWeight[cls] * (p - select(0.0, 1.0, i32(c) == cls));
}
