// Per-channel sums for batch normalisation over x, g of shape [N, C, HW], first level of a
// two-level tree. The n·HW elements of channel c, numbered e = n·HW + hw, are cut into `pieces`
// pieces of {{WG}}·per consecutive e; workgroup (c, p) sums piece p:
//   out[0, p, c] = scale · Σ_{e in piece p} g[n, c, hw]
//   out[1, p, c] = scale · Σ_{e in piece p} u(n, c, hw) · (x[n, c, hw] − mean[c])
// with u = g − mean[c] when CENTER_G, else u = g. With MASK (the gradient of a batch norm fused
// with a ReLU, y its output) g counts only where y > 0: g·[y > 0] is the gradient at the
// normalisation's output. Calls:
//   g = x, no MEAN (mean = 0):     Σ x (→ batch mean μ)
//   g = x, mean = μ, CENTER_G:    Σ x and Σ (x − μ)² (→ μ again and the biased batch variance)
//   g = dL/dy, mean = μ:          Σ g and Σ g·(x − μ) (→ bias and weight gradients)
// Without MEAN the mean is 0 and `mean` is not read; without MASK `y` is not read (both are then
// bound to another input).
// Invocation lid sums, image by image in increasing n, every {{WG}}-th value of the piece's part
// of the image from its own offset lid (neighbouring invocations read neighbouring addresses),
// then the workgroup adds its invocations' sums with the helper {{SUM}} names (workgroup_sum: a
// fixed tree; subgroup_sum: subgroup operations). With one piece per channel `out` holds the
// result; with more, the caller sums the pieces (reduceKernel). Every statistic has one fixed
// order of accumulation on a given adapter. Interface: SUMS_SHADER in src/kernels/batchnorm.ts.

const CENTER_G: bool = {{CENTER_G}};
const MEAN: bool = {{MEAN}};
const MASK: bool = {{MASK}};

//! include {{SUM}} from workgroup_sum, subgroup_sum

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, lane: Lane) {
  let lid = lane.index;
  let w = flat_workgroup(wid, nwg);
  if (w >= params.C * params.pieces) {
    return;
  }
  let c = w % params.C;
  let p = w / params.C;
  var mu = 0.0;
  if (MEAN) {
    mu = mean[c];
  }
  // The piece [e0, e1) crosses images n = e0 / HW …; in each, invocation lid takes the positions
  // lid, lid + {{WG}}, … of the piece's part of that image, in increasing order.
  let HW = params.HW;
  let e0 = p * {{WG}}u * params.per;
  let e1 = min(e0 + {{WG}}u * params.per, params.N * HW);
  var acc = vec2<f32>(0.0, 0.0);
  for (var n = e0 / HW; n * HW < e1; n++) {
    let base = (n * params.C + c) * HW;
    let last = min(e1 - n * HW, HW);
    for (var hw = max(e0, n * HW) - n * HW + lid; hw < last; hw += {{WG}}u) {
      let xc = x[base + hw] - mu;
      let gi = select(g[base + hw], 0.0, MASK && !(y[base + hw] > 0.0));
      acc = vec2<f32>(acc.x + gi, fma(select(gi, xc, CENTER_G), xc, acc.y));
    }
  }
  let total = workgroup_sum(lane, acc) * params.scale;
  if (lid == 0u) {
    out[p * params.C + c] = total.x;
    out[(params.pieces + p) * params.C + c] = total.y;
  }
}
