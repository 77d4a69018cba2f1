// Weight and bias gradients of batch normalisation (see batchnorm.wgsl) from the per-channel sums
// [S0; S1] = [Σ g; Σ g·(x − μ)] ([2, C]), with x̂ = (x − μ)·s and s = 1/sqrt(σ² + eps):
//   dw[c] = Σ g·x̂ = S1[c]·s[c],   db[c] = S0[c]
// σ² is read at variance[varOffset + c] (the batch's [2, C] statistics or the running variance).
// Interface: BATCHNORM_PARAM_GRAD in src/kernels/batchnorm.ts.

fn item(c: u32) {
  dw[c] = sums[params.C + c] * inverseSqrt(variance[params.varOffset + c] + params.eps);
  db[c] = sums[c];
}
