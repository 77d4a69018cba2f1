// Per-(image, part, channel) sums for batch normalisation over x, g of shape [N, C, HW], where
// each row of HW is cut into `parts` pieces:
//   out[0, n, p, c] = Σ_{hw in piece p} g[n, c, hw]
//   out[1, n, p, c] = Σ_{hw in piece p} u(n, c, hw) · (x[n, c, hw] − mean[c])
// Not INTERLEAVED (CPU adapters): piece p is the consecutive hw in [p·len, (p + 1)·len), and
// neighbouring invocations take neighbouring channels; `parts` is as small as the loop budget
// allows. INTERLEAVED (GPUs): piece p is every hw ≡ p (mod parts), and neighbouring invocations
// take neighbouring pieces of one row, so that together they read consecutive addresses; many
// parts give the GPU enough invocations.
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
const INTERLEAVED: bool = {{INTERLEAVED}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  let rows = params.N * params.parts * params.C;
  if (t >= rows) {
    return;
  }
  var c = 0u;
  var n = 0u;
  var p = 0u;
  if (INTERLEAVED) {
    p = t % params.parts;
    c = (t / params.parts) % params.C;
    n = t / (params.parts * params.C);
  } else {
    c = t % params.C;
    p = (t / params.C) % params.parts;
    n = t / (params.C * params.parts);
  }
  let mu = mean[c];
  let rowStart = (n * params.C + c) * params.HW;
  var first = p * params.len;
  var step = 1u;
  var count = min(params.len, params.HW - min(params.HW, first));
  if (INTERLEAVED) {
    first = p;
    step = params.parts;
    count = (params.HW + params.parts - 1u - p) / params.parts;
  }
  var s0 = 0.0;
  var s1 = 0.0;
  for (var i = 0u; i < count; i++) {
    let at = rowStart + first + i * step;
    let xc = x[at] - mu;
    let gi = g[at];
    s0 += gi;
    s1 = fma(select(gi, xc, CENTER_G), xc, s1);
  }
  let row = (n * params.parts + p) * params.C + c;
  out[row] = s0;
  out[rows + row] = s1;
}
