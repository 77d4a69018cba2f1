// Row gather: dst[i, c] = src[index[i], c] for i < rows, c < cols.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
struct Params { rows: u32, cols: u32 }
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (o >= params.rows * params.cols) {
    return;
  }
  let i = o / params.cols;
  let c = o % params.cols;
  dst[o] = src[index[i] * params.cols + c];
}
