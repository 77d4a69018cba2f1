// SGD with momentum and (coupled) weight decay, PyTorch's convention, on one parameter tensor:
//   g' = s·g + λ·w,   v ← μ·v + g',   w ← w − lr·v        (μ = 0: w ← w − lr·g')
// s is the gradient scale from clipping by global norm (scale[0], 1 when not clipping). Unless
// scale[1] (the gradient norm when clipping, and a guard the caller may fold in) is finite, the
// update is skipped: weight and state stay as they were. Interface: SGD in src/kernels/optim.ts.

fn item(i: u32) {
  if (!is_finite(scale[1])) {
    return;
  }
  let w = weight[i];
  let g = scale[0] * grad[i] + params.weightDecay * w;
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  weight[i] = w - params.lr * v;
}
