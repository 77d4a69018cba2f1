// Pixel-wise softmax cross-entropy over the channels of logits z [N, C, HW] with class targets
// t [N, HW] (class indices stored as floats) and class weights cw [C]:
//   per pixel: out = w · (log Σ_c exp z_c − z_t)    (WEIGHT_ONLY: out = w)
//   w = cw[t], or 0 when t is the ignore value or not a class in [0, C).
// The mean loss is Σ out / Σ w (src/autograd/ops/losses.ts), as PyTorch's weighted mean.
// Interface: SOFTMAX_CE in src/kernels/losses.ts.

const WEIGHT_ONLY: bool = {{WEIGHT_ONLY}};

fn item(i: u32) {
  let t = labels[i];
  let ignored = params.hasIgnore == 1u && t == params.ignore;
  let cls = i32(round(t));
  if (ignored || cls < 0 || cls >= i32(params.C)) {
    out[i] = 0.0;
    return;
  }
  let w = classWeight[cls];
  if (WEIGHT_ONLY) {
    out[i] = w;
    return;
  }
  let base = (i / params.HW) * params.C * params.HW + i % params.HW;
  var m = z[base];
  for (var c = 1u; c < params.C; c++) {
    m = max(m, z[base + c * params.HW]);
  }
  var s = 0.0;
  for (var c = 0u; c < params.C; c++) {
    s += exp(z[base + c * params.HW] - m);
  }
  out[i] = w * (m + log(s) - z[base + u32(cls) * params.HW]);
}
