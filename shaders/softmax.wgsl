// Softmax (or log-softmax when LOG) along the middle axis of an [A, R, B] view, one invocation
// per (a, b) line:  m = max_r x_r,  s = Σ_r exp(x_r − m),
//   softmax_r = exp(x_r − m) / s,   log-softmax_r = x_r − m − log s.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { A: u32, R: u32, B: u32 }
@group(0) @binding(2) var<uniform> params: Params;

const LOG: bool = {{LOG}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let line = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  let B = params.B;
  if (line >= params.A * B) {
    return;
  }
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
