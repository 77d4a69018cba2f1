// Clipping by global norm: given the per-tensor sums of squared gradients, in a fixed order,
//   norm = sqrt(Σ_k sumsq[k]),   out = [min(1, maxNorm / (norm + 1e-6)), norm]
@group(0) @binding(0) var<storage, read> sumsq: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
struct Params { count: u32, maxNorm: f32 }
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(1)
fn main() {
  var total = 0.0;
  for (var k = 0u; k < params.count; k++) {
    total += sumsq[k];
  }
  let norm = sqrt(total);
  out[0] = min(1.0, params.maxNorm / (norm + 1e-6));
  out[1] = norm;
}
