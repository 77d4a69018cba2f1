// Input gradient of batch normalisation (see batchnorm.wgsl), x̂ = (x − μ)·s, s = 1/sqrt(σ² + eps):
//   dx = w·s·(g − TRAIN·(S0 + x̂·s·S1) / n)
// with S0 = Σ g and S1 = Σ g·(x − μ) over the n samples of the channel (sums = [S0; S1], [2, C]).
// In training μ and σ² are the batch's and depend on x (TRAIN = 1); with running statistics
// they are constants (TRAIN = 0) and dx = w·s·g. With MASK (a batch norm fused with a ReLU whose
// output is y) g stands for g·[y > 0], as in the sums; without it y is bound to g and not read.
// Interface: BATCHNORM_GRAD in src/kernels/batchnorm.ts.

const MASK: bool = {{MASK}};

fn item(i: u32) {
  let c = (i / params.HW) % params.C;
  let s = inverseSqrt(variance[params.varOffset + c] + params.eps);
  let xhat = (x[i] - mean[c]) * s;
  let correction = params.train * (sums[c] + xhat * s * sums[params.C + c]) / params.samples;
  let gi = select(g[i], 0.0, MASK && !(y[i] > 0.0));
  dx[i] = w[c] * s * (gi - correction);
}
