// Elementwise unary map: dst[i] = f(src[i], p), where f is the specialised expression {{EXPR}}
// in terms of x and the scalar parameter p (e.g. "exp(x)", "x * p"). Interface: UNARY in
// src/kernels/elementwise.ts.

fn f(x: f32, p: f32) -> f32 {
  return {{EXPR}};
}

// x^p for a scalar p: defined for x >= 0 and any p, and for x < 0 when p is an integer.
fn pow_scalar(x: f32, p: f32) -> f32 {
  if (x == 0.0) {
    return select(0.0, 1.0, p == 0.0);
  }
  let m = pow(abs(x), p);
  let odd = p == round(p) && (i32(round(abs(p))) & 1) == 1;
  return select(m, -m, x < 0.0 && odd);
}

// Logistic sigmoid without overflow for large |x|.
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn item(i: u32) {
  dst[i] = f(src[i], params.p);
}
