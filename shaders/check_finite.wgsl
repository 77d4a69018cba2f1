// Debug mode: flags[slot] |= 1 if any of x[0..count) is NaN or ±Inf.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> flags: array<atomic<u32>>;
struct Params { count: u32, slot: u32 }
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i < params.count && !is_finite(x[i])) {
    atomicOr(&flags[params.slot], 1u);
  }
}
