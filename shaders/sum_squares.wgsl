// First pass of the global gradient norm (clip_scale.wgsl is the second): partial sums of
// squares of up to 7 tensors t0 … t6 in one dispatch, one partial per workgroup:
//   partials[first + w] = Σ_{i in tile j of tensor s} t_s[i]²
// Tensor s owns workgroups w in [start[s], start[s + 1]) of the dispatch, and workgroup w takes its
// tile j = w − start[s]: the {{WG}}·{{PER}} elements from j·{{WG}}·{{PER}} (fewer in the last tile).
// Invocation lid sums elements lid, lid + {{WG}}, … of the tile in increasing order (neighbouring
// invocations read neighbouring addresses), then the workgroup sums the invocations in a fixed
// tree: one fixed order of accumulation. Unused slots are bound to t0 with size 0.
// Interface: SUM_SQUARES in src/kernels/optim.ts.

//! include workgroup_sum

fn load(s: u32, i: u32) -> f32 {
  switch s {
    case 0u: { return t0[i]; }
    case 1u: { return t1[i]; }
    case 2u: { return t2[i]; }
    case 3u: { return t3[i]; }
    case 4u: { return t4[i]; }
    case 5u: { return t5[i]; }
    default: { return t6[i]; }
  }
}

fn start(s: u32) -> u32 {
  return params.start[s / 4u][s % 4u];
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, lane: Lane) {
  let lid = lane.index;
  let w = flat_workgroup(wid, nwg);
  if (w >= start(7u)) {
    return;
  }
  var s = 0u;
  while (w >= start(s + 1u)) {
    s++;
  }
  let size = params.sizes[s / 4u][s % 4u];
  let tile = (w - start(s)) * {{WG}}u * {{PER}}u;
  var acc = 0.0;
  for (var k = 0u; k < {{PER}}u; k++) {
    let i = tile + k * {{WG}}u + lid;
    if (i < size) {
      let v = load(s, i);
      acc = fma(v, v, acc);
    }
  }
  let total = workgroup_sum(lane, vec2<f32>(acc, 0.0));
  if (lid == 0u) {
    partials[params.first + w] = total.x;
  }
}
