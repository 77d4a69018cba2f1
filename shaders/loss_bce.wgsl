// Binary cross-entropy with logits, elementwise over x (logits) and t (targets in [0, 1]),
// with positive-class weight pw (PyTorch's pos_weight):
//   l      = (1 − t)·x + lw·sp(−x),   lw = 1 + (pw − 1)·t,   sp(u) = log(1 + eᵘ) (stable form)
//   dl/dx  = (1 − t) + lw·(σ(x) − 1)               (= σ(x) − t when pw = 1)
//   dl/dt  = −x + (pw − 1)·sp(−x)
// {{EXPR}} picks one of the three (in terms of x, t, the output gradient g and pw).
// Interface: BCE in src/kernels/losses.ts.

// log(1 + exp(u)) without overflow.
fn softplus(u: f32) -> f32 {
  return max(u, 0.0) + log(1.0 + exp(-abs(u)));
}

fn sigmoid(u: f32) -> f32 {
  let e = exp(-abs(u));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), u >= 0.0);
}

fn f(x: f32, t: f32, g: f32, pw: f32) -> f32 {
  let lw = 1.0 + (pw - 1.0) * t;
  return {{EXPR}};
}

fn item(i: u32) {
  out[i] = f(logits[i], targets[i], grad[i], params.pw);
}
