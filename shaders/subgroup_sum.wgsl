// workgroup_sum.wgsl on subgroup operations (adapters with the `subgroups` feature and WGSL's
// `subgroup_id`): each subgroup sums its invocations' values with subgroupAdd, its first active
// invocation stores that sum at the subgroup's index, and after one barrier every invocation
// adds the num_subgroups sums in increasing index. One barrier instead of the tree's
// log2({{WG}}) + 1; the sum is right whichever invocations share a subgroup and whether or not
// subgroups are full. The order of additions is not WGSL's to fix: it assumes that an adapter
// groups a pipeline's invocations into subgroups the same way on every dispatch and adds inside
// subgroupAdd in one order (so runs on one adapter agree); results differ from the tree's in the
// last bits.
// Called by every invocation of the workgroup, in uniform control flow.
enable subgroups;
requires subgroup_id;

struct Lane {
  @builtin(local_invocation_index) index: u32,
  @builtin(subgroup_id) subgroup: u32,
  @builtin(num_subgroups) subgroups: u32,
}

var<workgroup> subgroup_sums: array<vec2<f32>, {{WG}}>;

fn workgroup_sum(lane: Lane, v: vec2<f32>) -> vec2<f32> {
  let own = subgroupAdd(v);
  if (subgroupElect()) {
    subgroup_sums[lane.subgroup] = own;
  }
  workgroupBarrier();
  var total = vec2<f32>(0.0, 0.0);
  for (var s = 0u; s < lane.subgroups; s++) {
    total += subgroup_sums[s];
  }
  return total;
}
