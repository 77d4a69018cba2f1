// Reduction over the middle axis of a [A, R, B] view: out[a, c, b] = ⊕_{r in chunk c} x[a, r, b] · scale,
// with ⊕ = sum or max (specialised) and chunks of `chunk` consecutive r (nchunks = ceil(R / chunk)).
// One invocation per output, summing in increasing r: a fixed order, so results are reproducible.
// A long reduction runs twice: first into nchunks partial results, then over those.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params { A: u32, R: u32, B: u32, chunk: u32, nchunks: u32, scale: f32 }
@group(0) @binding(2) var<uniform> params: Params;

fn sum(x: f32, y: f32) -> f32 {
  return x + y;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  let B = params.B;
  if (o >= params.A * params.nchunks * B) {
    return;
  }
  let b = o % B;
  let c = (o / B) % params.nchunks;
  let a = o / (B * params.nchunks);
  let r0 = c * params.chunk;
  let r1 = min(params.R, r0 + params.chunk);
  var base = (a * params.R + r0) * B + b;
  var acc = {{INIT}};
  for (var r = r0; r < r1; r++) {
    acc = {{OP}}(acc, src[base]);
    base += B;
  }
  dst[o] = acc * params.scale;
}
