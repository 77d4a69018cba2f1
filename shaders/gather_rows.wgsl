// Row gather: dst[i, c] = src[index[i], c] for i < rows, c < cols. Interface: GATHER_ROWS in
// src/kernels/gather.ts.
fn item(o: u32) {
  let i = o / params.cols;
  let c = o % params.cols;
  dst[o] = src[index[i] * params.cols + c];
}
