// out[i] = value for i < count.
@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
struct Params { count: u32, value: f32 }
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i < params.count) {
    dst[i] = params.value;
  }
}
