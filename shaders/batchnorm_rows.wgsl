// Per-(image, part, channel) sums for batch normalisation over x, g of shape [N, C, HW], where
// each row of HW is cut into `parts` consecutive pieces of at most `len` (so that no invocation
// loops longer than a CPU adapter allows):
//   out[0, n, p, c] = Σ_{hw in piece p} g[n, c, hw]
//   out[1, n, p, c] = Σ_{hw in piece p} u(n, c, hw) · (x[n, c, hw] − mean[c])
// with u = g − mean[c] when CENTER_G, else u = g. Calls:
//   g = x, mean = 0:              Σ x (→ batch mean μ after the sum over n)
//   g = x, mean = μ, CENTER_G:    Σ x and Σ (x − μ)² (→ μ again and the biased batch variance)
//   g = dL/dy, mean = μ:          Σ g and Σ g·(x − μ) (→ bias and weight gradients)
// One invocation per (n, p, c), summing in increasing hw; the caller then sums over (n, p) in
// increasing order, so every statistic has one fixed order of accumulation.
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
struct Params { N: u32, C: u32, HW: u32, parts: u32, len: u32 }
@group(0) @binding(4) var<uniform> params: Params;

const CENTER_G: bool = {{CENTER_G}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  let rows = params.N * params.parts * params.C;
  if (row >= rows) {
    return;
  }
  let c = row % params.C;
  let np = row / params.C;
  let p = np % params.parts;
  let mu = mean[c];
  let base = ((np / params.parts) * params.C + c) * params.HW + p * params.len;
  let count = min(params.len, params.HW - p * params.len);
  var s0 = 0.0;
  var s1 = 0.0;
  for (var i = 0u; i < count; i++) {
    let xc = x[base + i] - mu;
    let gi = g[base + i];
    s0 += gi;
    s1 = fma(select(gi, xc, CENTER_G), xc, s1);
  }
  out[row] = s0;
  out[rows + row] = s1;
}
