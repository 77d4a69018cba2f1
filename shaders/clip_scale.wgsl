// Second pass of clipping by global norm (sum_squares.wgsl is the first): one workgroup sums the
// partial sums of squares of all gradients, invocation lid those at lid, lid + {{WG}}, … in
// increasing order and then the workgroup in a fixed tree (a fixed order of accumulation):
//   norm = sqrt(Σ_k partials[k]),   out = [min(1, maxNorm / (norm + 1e-6)), norm]
// Interface: CLIP_SCALE in src/kernels/optim.ts.

//! include workgroup_sum

@compute @workgroup_size({{WG}})
fn main(lane: Lane) {
  let lid = lane.index;
  var acc = 0.0;
  for (var k = lid; k < params.count; k += {{WG}}u) {
    acc += partials[k];
  }
  let total = workgroup_sum(lane, vec2<f32>(acc, 0.0)).x;
  if (lid == 0u) {
    let norm = sqrt(total);
    out[0] = min(1.0, params.maxNorm / (norm + 1e-6));
    out[1] = norm;
  }
}
