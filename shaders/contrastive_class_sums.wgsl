// Class sums for the positive terms of the contrastive loss (ncl-method.md §5):
//   S_c = Σ_{i : y_i = c} z_i
// The rows of class c are listed in increasing order in members[start[c] .. start[c + 1]) (built on
// the CPU), so every sum runs in a fixed order: reproducible, no atomics. One invocation per
// (class, vec4 of D); z and S are padded to a multiple of 4 columns.
@group(0) @binding(0) var<storage, read> z: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> start: array<u32>;
@group(0) @binding(2) var<storage, read> members: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<vec4<f32>>;
struct Params { classes: u32, d4: u32 }
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = flat_workgroup(wid, nwg) * 64u + lid;
  if (o >= params.classes * params.d4) {
    return;
  }
  let c = o / params.d4;
  let k = o % params.d4;
  var acc = vec4<f32>(0.0);
  for (var e = start[c]; e < start[c + 1u]; e++) {
    acc += z[members[e] * params.d4 + k];
  }
  sums[o] = acc;
}
