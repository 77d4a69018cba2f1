// AdamW (decoupled weight decay, Loshchilov & Hutter) on one parameter tensor, step t ≥ 1:
//   g = s·grad,  m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//   w ← w − lr·( (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε) + λ·w )
// s is the gradient scale from clipping by global norm (scale[0]); unless scale[1] (the gradient
// norm when clipping, and a guard the caller may fold in) is finite, the update is skipped and
// weight and state stay as they were. The bias corrections
// c1 = 1/(1−β1^t), c2 = 1/(1−β2^t) come in as uniforms. Interface: ADAMW in src/kernels/optim.ts.

fn item(i: u32) {
  if (!is_finite(scale[1])) {
    return;
  }
  let g = scale[0] * grad[i];
  let m = params.beta1 * m1[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * m2[i] + (1.0 - params.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  let w = weight[i];
  weight[i] = w - params.lr * ((m * params.c1) / (sqrt(v * params.c2) + params.eps) + params.weightDecay * w);
}
