// Separable 2-tap resampling of x [NC, HI, WI] to y [NC, HO, WO] (bilinear, or nearest with
// weights (1, 0)):
//   y[p, oy, ox] = Σ_{a, b ∈ {0,1}} wy_a(oy) · wx_b(ox) · x[p, iy_a(oy), ix_b(ox)]
// The tables come from the CPU (src/kernels/resize.ts), four floats per output index:
// (i0, i1, w0, w1), rows first (HO entries) then columns (WO entries); indices are exact in f32.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> taps: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
struct Params { count: u32, HI: u32, WI: u32, HO: u32, WO: u32 }
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let ox = i % params.WO;
  let oy = (i / params.WO) % params.HO;
  let p = i / (params.WO * params.HO);
  let r = taps[oy];
  let c = taps[params.HO + ox];
  let base = p * params.HI * params.WI;
  let row0 = base + u32(r.x) * params.WI;
  let row1 = base + u32(r.y) * params.WI;
  let top = c.z * x[row0 + u32(c.x)] + c.w * x[row0 + u32(c.y)];
  let bottom = c.z * x[row1 + u32(c.x)] + c.w * x[row1 + u32(c.y)];
  y[i] = r.z * top + r.w * bottom;
}
