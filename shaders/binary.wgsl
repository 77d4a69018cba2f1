// Elementwise binary map with NumPy broadcasting: out[i] = f(a[ia(i)], b[ib(i)]), f = {{EXPR}}.
// The output index i is split into coordinates c_d over the output shape (rank <= 8); each input
// is read at Σ_d c_d · stride_d, with stride 0 along broadcast dimensions. Without broadcasting
// (BROADCAST = false) both inputs are read at i. Interface: BINARY in src/kernels/elementwise.ts.

const BROADCAST: bool = {{BROADCAST}};

fn f(a: f32, b: f32) -> f32 {
  return {{EXPR}};
}

fn item(i: u32) {
  if (!BROADCAST) {
    dst[i] = f(lhs[i], rhs[i]);
    return;
  }
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let n = params.shape[d >> 2u][d & 3];
    let c = rem % n;
    rem = rem / n;
    ia += c * params.strideA[d >> 2u][d & 3];
    ib += c * params.strideB[d >> 2u][d & 3];
  }
  dst[i] = f(lhs[ia], rhs[ib]);
}
