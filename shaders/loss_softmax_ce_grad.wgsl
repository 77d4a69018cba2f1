// Gradient of the per-pixel weighted cross-entropy of loss_softmax_ce.wgsl with respect to the
// logits, given the per-pixel output gradient g [N, HW]:
//   dz[n, c, hw] = g[n, hw] · w · (softmax(z[n, :, hw])_c − [c = t])    (0 where w = 0)
@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> classWeight: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read_write> dz: array<f32>;
struct Params { count: u32, C: u32, HW: u32, hasIgnore: u32, ignore: f32 }
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let hw = i % params.HW;
  let c = (i / params.HW) % params.C;
  let n = i / (params.HW * params.C);
  let pixel = n * params.HW + hw;
  let t = labels[pixel];
  let ignored = params.hasIgnore == 1u && t == params.ignore;
  let cls = i32(round(t));
  if (ignored || cls < 0 || cls >= i32(params.C)) {
    dz[i] = 0.0;
    return;
  }
  let base = n * params.C * params.HW + hw;
  var m = z[base];
  for (var k = 1u; k < params.C; k++) {
    m = max(m, z[base + k * params.HW]);
  }
  var s = 0.0;
  for (var k = 0u; k < params.C; k++) {
    s += exp(z[base + k * params.HW] - m);
  }
  let p = exp(z[i] - m) / s;
  dz[i] = g[pixel] * classWeight[cls] * (p - select(0.0, 1.0, i32(c) == cls));
}
