// Input gradient of batch normalisation (see batchnorm.wgsl), x̂ = (x − μ)·s, s = 1/sqrt(σ² + eps):
//   dx = w·s·(g − TRAIN·(S0 + x̂·s·S1) / n)
// with S0 = Σ g and S1 = Σ g·(x − μ) over the n samples of the channel (sums = [S0; S1], [2, C]).
// In training μ and σ² are the batch's and depend on x (TRAIN = 1); with running statistics
// they are constants (TRAIN = 0) and dx = w·s·g. With MASK (a batch norm fused with a ReLU whose
// output is y) g stands for g·[y > 0], as in the sums; without it y is bound to g and not read.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<storage, read> sums: array<f32>;
@group(0) @binding(6) var<storage, read> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
struct Params { count: u32, C: u32, HW: u32, varOffset: u32, eps: f32, train: f32, samples: f32 }
@group(0) @binding(8) var<uniform> params: Params;

const MASK: bool = {{MASK}};

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let c = (i / params.HW) % params.C;
  let s = inverseSqrt(variance[params.varOffset + c] + params.eps);
  let xhat = (x[i] - mean[c]) * s;
  let correction = params.train * (sums[c] + xhat * s * sums[params.C + c]) / params.samples;
  let gi = select(g[i], 0.0, MASK && !(y[i] > 0.0));
  dx[i] = w[c] * s * (gi - correction);
}
