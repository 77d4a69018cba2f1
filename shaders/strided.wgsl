// Strided copy over an iteration shape (rank <= 8) with coordinates c_d of the flat index i:
//   GATHER:  dst[i] = src[offset + Σ_d c_d · stride_d]     (permute, slice, expand)
//   SCATTER: dst[offset + Σ_d c_d · stride_d] = src[i]     (slice gradient, concat)
// Each destination element is written by at most one invocation.
// Interface: STRIDED in src/kernels/strided.ts.

const GATHER: bool = {{GATHER}};

fn item(i: u32) {
  var rem = i;
  var j = params.offset;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let n = params.shape[d >> 2u][d & 3];
    j += (rem % n) * params.strides[d >> 2u][d & 3];
    rem = rem / n;
  }
  if (GATHER) {
    dst[i] = src[j];
  } else {
    dst[j] = src[i];
  }
}
