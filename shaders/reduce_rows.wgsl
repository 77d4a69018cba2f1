// Reduction over the last axis of an [A, R] view by workgroups (reduce.wgsl's form for B = 1 on a
// GPU): out[a, c] = ⊕_{r in chunk c} x[a, r] · scale, with ⊕ = sum or max (specialised) and
// chunks of `chunk` consecutive r (nchunks = ceil(R / chunk)). Workgroup (a, c) reduces chunk c
// of row a: invocation lid folds r0 + lid, r0 + lid + {{WG}}, … in increasing order (neighbouring
// invocations read neighbouring addresses), then the workgroup folds its invocations in a fixed
// tree as workgroup_sum.wgsl does, so the order of accumulation depends only on R, chunk and {{WG}}.
// Interface: BY_WORKGROUP in src/kernels/reduce.ts.

var<workgroup> tree: array<f32, {{WG}}>;

fn sum(x: f32, y: f32) -> f32 {
  return x + y;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let w = flat_workgroup(wid, nwg);
  if (w >= params.A * params.nchunks) {
    return;
  }
  let a = w / params.nchunks;
  let r0 = (w % params.nchunks) * params.chunk;
  let r1 = min(params.R, r0 + params.chunk);
  var acc = {{INIT}};
  for (var r = r0 + lid; r < r1; r += {{WG}}u) {
    acc = {{OP}}(acc, src[a * params.R + r]);
  }
  tree[lid] = acc;
  workgroupBarrier();
  for (var stride = {{WG}}u / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      tree[lid] = {{OP}}(tree[lid], tree[lid + stride]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    dst[w] = tree[0] * params.scale;
  }
}
