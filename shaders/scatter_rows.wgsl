// Gradient of a row gather: dst[r, c] = Σ_{i : index[i] = r} grad[i, c].
// The sources of each row r are listed (in increasing i) in order[start[r] .. start[r + 1]),
// a CSR layout built on the CPU, so each output sums its terms in a fixed order: no atomics.
// Interface: SCATTER_ROWS in src/kernels/gather.ts.
fn item(o: u32) {
  let r = o / params.cols;
  let c = o % params.cols;
  var acc = 0.0;
  for (var k = start[r]; k < start[r + 1u]; k++) {
    acc += grad[order[k] * params.cols + c];
  }
  dst[o] = acc;
}
