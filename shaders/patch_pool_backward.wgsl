// Patch pooling, backward (docs/method.md §3; forward in patch_pool.wgsl). With u = out[p, :] the
// unit row of patch p, n its norm and g the gradient of that row:
//   dL/dq_d = (g_d − u_d (u · g)) / n                        (through u = q / n)
//   dL/dx[b, d, y, x] = dL/dq_d / |cell|                      for every (y, x) in the patch's cell
// Cells do not overlap and cover the map, so every element of dx is written exactly once, by the
// invocation of its patch: no atomics, no accumulation order to fix.
// Interface: PATCH_POOL_BACKWARD in src/kernels/patch-pool.ts.

//! include patch_cell

fn item(p: u32) {
  let cell = patch_cell(p);
  let row = p * params.d;
  var ug = 0.0;
  for (var d = 0u; d < params.d; d++) {
    ug += unit[row + d] * grad[row + d];
  }
  let scale = 1.0 / (norms[p] * cell_area(cell));
  for (var d = 0u; d < params.d; d++) {
    let v = (grad[row + d] - unit[row + d] * ug) * scale;
    let plane = (cell.b * params.d + d) * params.h;
    for (var y = cell.y0; y < cell.y1; y++) {
      for (var xi = cell.x0; xi < cell.x1; xi++) {
        dx[(plane + y) * params.w + xi] = v;
      }
    }
  }
}
