// Elementwise binary map with NumPy broadcasting: out[i] = f(a[ia(i)], b[ib(i)]), f = {{EXPR}}.
// The output index i is split into coordinates c_d over the output shape (rank <= 8); each input
// is read at Σ_d c_d · stride_d, with stride 0 along broadcast dimensions. Without broadcasting
// (BROADCAST = false) both inputs are read at i.
@group(0) @binding(0) var<storage, read> lhs: array<f32>;
@group(0) @binding(1) var<storage, read> rhs: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
struct Params {
  count: u32,
  rank: u32,
  shape: array<vec4<u32>, 2>,
  strideA: array<vec4<u32>, 2>,
  strideB: array<vec4<u32>, 2>,
}
@group(0) @binding(3) var<uniform> params: Params;

const BROADCAST: bool = {{BROADCAST}};

fn f(a: f32, b: f32) -> f32 {
  return {{EXPR}};
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  if (!BROADCAST) {
    dst[i] = f(lhs[i], rhs[i]);
    return;
  }
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let n = params.shape[d >> 2u][d & 3];
    let c = rem % n;
    rem = rem / n;
    ia += c * params.strideA[d >> 2u][d & 3];
    ib += c * params.strideB[d >> 2u][d & 3];
  }
  dst[i] = f(lhs[ia], rhs[ib]);
}
