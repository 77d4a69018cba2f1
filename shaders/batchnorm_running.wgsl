// Running statistics of batch normalisation, updated in place after a training step:
//   running_mean ← (1 − m)·running_mean + m·μ
//   running_var  ← (1 − m)·running_var  + m·σ²·n/(n − 1)   (the unbiased batch variance)
// with batch statistics stats = [μ; σ²] (a [2, C] tensor), momentum m and n samples per channel.
// A channel whose batch statistics are not finite keeps its running statistics: a step that goes
// NaN/Inf (which the trainer then rejects) leaves them as they were, like the weights.
@group(0) @binding(0) var<storage, read> stats: array<f32>;
@group(0) @binding(1) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(2) var<storage, read_write> runningVar: array<f32>;
struct Params { C: u32, momentum: f32, unbias: f32 }
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let c = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (c >= params.C || !is_finite(stats[c]) || !is_finite(stats[params.C + c])) {
    return;
  }
  let m = params.momentum;
  runningMean[c] = (1.0 - m) * runningMean[c] + m * stats[c];
  runningVar[c] = (1.0 - m) * runningVar[c] + m * stats[params.C + c] * params.unbias;
}
