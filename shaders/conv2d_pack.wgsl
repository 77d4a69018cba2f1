// Packs the weights one dispatch of conv2d.wgsl reads into tap-major, row-minor order, so the
// kernel loads four rows m at once as a vec4:
//   packed[((g·TAPS + th·TW + tw)·C + c)·MP + m] = Wt(g, m, c, th, tw)   for m < M, 0 for M ≤ m < MP
//   Wt(g, m, c, th, tw) = w[WBASE + g·WSG + m·WSM + c·WSC + th·WSTH + tw·WSTW]   (as in conv2d.wgsl)
// with TAPS = TH·TW and MP = M rounded up to a multiple of 4.
@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> packed: array<f32>;
struct Params {
  count: u32, C: u32, M: u32, MP: u32,
  TH: u32, TW: u32, WBASE: u32, WSG: u32,
  WSM: u32, WSC: u32, WSTH: u32, WSTW: u32,
}
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let m = i % params.MP;
  let c = (i / params.MP) % params.C;
  let tap = (i / (params.MP * params.C)) % (params.TH * params.TW);
  let g = i / (params.MP * params.C * params.TH * params.TW);
  let th = tap / params.TW;
  let tw = tap % params.TW;
  let at = params.WBASE + g * params.WSG + min(m, params.M - 1u) * params.WSM + c * params.WSC + th * params.WSTH + tw * params.WSTW;
  packed[i] = select(0.0, w[at], m < params.M);
}
