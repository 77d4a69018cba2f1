// Softmax (or log-softmax when LOG) along the middle axis of an [A, R, B] view, one invocation
// per (a, b) line:  m = max_r x_r,  s = Σ_r exp(x_r − m),
//   softmax_r = exp(x_r − m) / s,   log-softmax_r = x_r − m − log s.
// Interface: SOFTMAX in src/kernels/softmax.ts.

const LOG: bool = {{LOG}};

fn item(line: u32) {
  let B = params.B;
  let base = (line / B) * params.R * B + line % B;
  var m = -3.4028234e38;
  for (var r = 0u; r < params.R; r++) {
    m = max(m, src[base + r * B]);
  }
  var s = 0.0;
  for (var r = 0u; r < params.R; r++) {
    s += exp(src[base + r * B] - m);
  }
  let logS = log(s);
  for (var r = 0u; r < params.R; r++) {
    let z = src[base + r * B] - m;
    dst[base + r * B] = select(exp(z) / s, z - logS, LOG);
  }
}
