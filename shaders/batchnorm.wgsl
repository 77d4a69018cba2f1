// Batch normalisation of x [N, C, HW] with per-channel statistics (mean μ, variance σ²) and
// affine parameters (w, b):  y = (x − μ)·s·w + b,  s = 1 / sqrt(σ² + eps),
// followed by a ReLU, y = max(y, 0), when RELU (the two fused into one pass).
// μ is read at mean[c] and σ² at variance[varOffset + c] (in training both are rows of one
// [2, C] statistics tensor, bound twice). Interface: BATCHNORM in src/kernels/batchnorm.ts.

const RELU: bool = {{RELU}};

fn item(i: u32) {
  let c = (i / params.HW) % params.C;
  let s = inverseSqrt(variance[params.varOffset + c] + params.eps);
  let normed = fma((x[i] - mean[c]) * s, w[c], b[c]);
  y[i] = select(normed, max(normed, 0.0), RELU);
}
