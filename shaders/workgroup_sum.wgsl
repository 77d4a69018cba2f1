// Sum of one vec2<f32> per invocation over a workgroup of {{WG}} invocations ({{WG}} a power of
// two), in a fixed tree: at each level invocation i adds the value of i + stride to its own, so
// the order of additions depends only on {{WG}} and the result is the same on every run.
// Called by every invocation of the workgroup (it contains barriers); all of them get the sum.
// subgroup_sum.wgsl is the same function on subgroup operations; a kernel takes `Lane` as an
// entry-point argument and passes it on, whichever of the two it includes.
struct Lane {
  @builtin(local_invocation_index) index: u32,
}

var<workgroup> tree: array<vec2<f32>, {{WG}}>;

fn workgroup_sum(lane: Lane, v: vec2<f32>) -> vec2<f32> {
  let lid = lane.index;
  tree[lid] = v;
  workgroupBarrier();
  for (var stride = {{WG}}u / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      tree[lid] += tree[lid + stride];
    }
    workgroupBarrier();
  }
  return tree[0];
}
