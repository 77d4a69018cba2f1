// Batch normalisation of x [N, C, HW] with per-channel statistics (mean μ, variance σ²) and
// affine parameters (w, b):  y = (x − μ)·s·w + b,  s = 1 / sqrt(σ² + eps),
// followed by a ReLU, y = max(y, 0), when RELU (the two fused into one pass).
// μ is read at mean[c] and σ² at variance[varOffset + c] (in training both are rows of one
// [2, C] statistics tensor, bound twice).
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> b: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
struct Params { count: u32, C: u32, HW: u32, varOffset: u32, eps: f32 }
@group(0) @binding(6) var<uniform> params: Params;

const RELU: bool = {{RELU}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let c = (i / params.HW) % params.C;
  let s = inverseSqrt(variance[params.varOffset + c] + params.eps);
  let normed = fma((x[i] - mean[c]) * s, w[c], b[c]);
  y[i] = select(normed, max(normed, 0.0), RELU);
}
