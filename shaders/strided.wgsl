// Strided copy over an iteration shape (rank <= 8) with coordinates c_d of the flat index i:
//   GATHER:  dst[i] = src[offset + Σ_d c_d · stride_d]     (permute, slice, expand)
//   SCATTER: dst[offset + Σ_d c_d · stride_d] = src[i]     (slice gradient, concat)
// Each destination element is written by at most one invocation.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
struct Params {
  count: u32,
  rank: u32,
  offset: u32,
  shape: array<vec4<u32>, 2>,
  strides: array<vec4<u32>, 2>,
}
@group(0) @binding(2) var<uniform> params: Params;

const GATHER: bool = {{GATHER}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  var rem = i;
  var j = params.offset;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let n = params.shape[d >> 2u][d & 3];
    j += (rem % n) * params.strides[d >> 2u][d & 3];
    rem = rem / n;
  }
  if (GATHER) {
    dst[i] = src[j];
  } else {
    dst[j] = src[i];
  }
}
