// Weight and bias gradients of batch normalisation (see batchnorm.wgsl) from the per-channel sums
// [S0; S1] = [Σ g; Σ g·(x − μ)] ([2, C]), with x̂ = (x − μ)·s and s = 1/sqrt(σ² + eps):
//   dw[c] = Σ g·x̂ = S1[c]·s[c],   db[c] = S0[c]
// σ² is read at variance[varOffset + c] (the batch's [2, C] statistics or the running variance).
@group(0) @binding(0) var<storage, read> sums: array<f32>;
@group(0) @binding(1) var<storage, read> variance: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<storage, read_write> db: array<f32>;
struct Params { C: u32, varOffset: u32, eps: f32 }
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let c = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (c >= params.C) {
    return;
  }
  dw[c] = sums[params.C + c] * inverseSqrt(variance[params.varOffset + c] + params.eps);
  db[c] = sums[c];
}
