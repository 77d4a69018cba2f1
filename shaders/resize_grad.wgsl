// Gradient of the separable resampling in resize.wgsl, as a gather (no atomics):
//   dx[p, iy, ix] = Σ_{(oy, a) ∈ Ry(iy)} Σ_{(ox, b) ∈ Rx(ix)} a · b · g[p, oy, ox]
// where R(i) lists the (output index, weight) pairs that read input index i, in increasing output
// index (CSR, built on the CPU). Each dx element is summed by one invocation in that fixed order.
// Layout of `inv` (vec2 entries): row starts (HI + 1), column starts (WI + 1), then the row
// entries and the column entries; starts are absolute entry positions in `inv`.
// Interface: RESIZE_GRAD in src/kernels/resize.ts.

fn item(i: u32) {
  let ix = i % params.WI;
  let iy = (i / params.WI) % params.HI;
  let p = i / (params.WI * params.HI);
  let base = p * params.HO * params.WO;
  let colStarts = params.HI + 1u;
  let r0 = u32(inv[iy].x);
  let r1 = u32(inv[iy + 1u].x);
  let c0 = u32(inv[colStarts + ix].x);
  let c1 = u32(inv[colStarts + ix + 1u].x);
  var acc = 0.0;
  for (var r = r0; r < r1; r++) {
    let row = inv[r];
    var line = 0.0;
    for (var c = c0; c < c1; c++) {
      let col = inv[c];
      line = fma(col.y, g[base + u32(row.x) * params.WO + u32(col.x)], line);
    }
    acc = fma(row.y, line, acc);
  }
  dx[i] = acc;
}
