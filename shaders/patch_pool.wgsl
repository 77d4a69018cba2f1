// Patch pooling, forward (ncl-method.md §3): for each patch (b, gy, gx) of a grid of c×c cells of
// the embedding map x [B, D, h, w],
//   q_d = (1/|cell|) Σ_{(y, x) ∈ cell} x[b, d, y, x]       the mean over the cell
//   n   = sqrt(Σ_d q_d² + ε)                                (ε = 1e-12, as l2Normalize)
//   out[p, d] = q_d / n                                     one unit row per patch, p = (b·gh + gy)·gw + gx
//   norms[p]  = n                                           kept for the backward pass
// A cell is rows [gy·c, min(h, gy·c + c)) × columns [gx·c, min(w, gx·c + c)): border cells of a map
// whose sides are not multiples of c are partial and average over the part inside the map.
// One invocation per patch; out is written first with q and rescaled once n is known.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> norms: array<f32>;
struct Params { patches: u32, d: u32, h: u32, w: u32, gh: u32, gw: u32, cell: u32 }
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let p = flat_workgroup(wid, nwg) * 64u + lid;
  if (p >= params.patches) {
    return;
  }
  let gx = p % params.gw;
  let gy = (p / params.gw) % params.gh;
  let b = p / (params.gw * params.gh);
  let y0 = gy * params.cell;
  let x0 = gx * params.cell;
  let y1 = min(params.h, y0 + params.cell);
  let x1 = min(params.w, x0 + params.cell);
  let inv_area = 1.0 / f32((y1 - y0) * (x1 - x0));
  var sq = 0.0;
  for (var d = 0u; d < params.d; d++) {
    let plane = (b * params.d + d) * params.h;
    var acc = 0.0;
    for (var y = y0; y < y1; y++) {
      for (var xi = x0; xi < x1; xi++) {
        acc += x[(plane + y) * params.w + xi];
      }
    }
    let q = acc * inv_area;
    out[p * params.d + d] = q;
    sq += q * q;
  }
  let n = sqrt(sq + 1e-12);
  norms[p] = n;
  for (var d = 0u; d < params.d; d++) {
    out[p * params.d + d] /= n;
  }
}
