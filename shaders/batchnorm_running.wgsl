// Running statistics of batch normalisation, updated in place after a training step:
//   running_mean ← (1 − m)·running_mean + m·μ
//   running_var  ← (1 − m)·running_var  + m·σ²·n/(n − 1)   (the unbiased batch variance)
// with batch statistics stats = [μ; σ²] (a [2, C] tensor), momentum m and n samples per channel.
// A channel whose batch statistics are not finite keeps its running statistics: a step that goes
// NaN/Inf (which the trainer then rejects) leaves them as they were, like the weights.
// Interface: BATCHNORM_RUNNING in src/kernels/batchnorm.ts.

fn item(c: u32) {
  if (!is_finite(stats[c]) || !is_finite(stats[params.C + c])) {
    return;
  }
  let m = params.momentum;
  runningMean[c] = (1.0 - m) * runningMean[c] + m * stats[c];
  runningVar[c] = (1.0 - m) * runningVar[c] + m * stats[params.C + c] * params.unbias;
}
