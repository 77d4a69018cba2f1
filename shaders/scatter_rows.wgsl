// Gradient of a row gather: dst[r, c] = Σ_{i : index[i] = r} grad[i, c].
// The sources of each row r are listed (in increasing i) in order[start[r] .. start[r + 1]),
// a CSR layout built on the CPU, so each output sums its terms in a fixed order: no atomics.
@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> start: array<u32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
struct Params { rows: u32, cols: u32 }
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (o >= params.rows * params.cols) {
    return;
  }
  let r = o / params.cols;
  let c = o % params.cols;
  var acc = 0.0;
  for (var k = start[r]; k < start[r + 1u]; k++) {
    acc += grad[order[k] * params.cols + c];
  }
  dst[o] = acc;
}
