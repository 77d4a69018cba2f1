// Patch pooling, forward (docs/method.md §3): for each patch (b, gy, gx) of a grid of c×c cells of
// the embedding map x [B, D, h, w],
//   q_d = (1/|cell|) Σ_{(y, x) ∈ cell} x[b, d, y, x]       the mean over the cell
//   n   = sqrt(Σ_d q_d² + ε)                                (ε = 1e-12, as l2Normalize)
//   out[p, d] = q_d / n                                     one unit row per patch, p = (b·gh + gy)·gw + gx
//   norms[p]  = n                                           kept for the backward pass
// A cell is rows [gy·c, min(h, gy·c + c)) × columns [gx·c, min(w, gx·c + c)): border cells of a map
// whose sides are not multiples of c are partial and average over the part inside the map.
// One invocation per patch; out is written first with q and rescaled once n is known.
// Interface: PATCH_POOL in src/kernels/patch-pool.ts.

//! include patch_cell

fn item(p: u32) {
  let cell = patch_cell(p);
  let inv_area = 1.0 / cell_area(cell);
  var sq = 0.0;
  for (var d = 0u; d < params.d; d++) {
    let plane = (cell.b * params.d + d) * params.h;
    var acc = 0.0;
    for (var y = cell.y0; y < cell.y1; y++) {
      for (var xi = cell.x0; xi < cell.x1; xi++) {
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
