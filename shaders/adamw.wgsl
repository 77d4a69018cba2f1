// AdamW (decoupled weight decay, Loshchilov & Hutter) on one parameter tensor, step t ≥ 1:
//   g = s·grad,  m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//   w ← w − lr·( (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε) + λ·w )
// s is the gradient scale from clipping by global norm (scale[0]); unless scale[1] (the gradient
// norm when clipping, and a guard the caller may fold in) is finite, the update is skipped and
// weight and state stay as they were. The bias corrections
// c1 = 1/(1−β1^t), c2 = 1/(1−β2^t) come in as uniforms.
@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read_write> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;
struct Params { count: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, c1: f32, c2: f32 }
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count || !is_finite(scale[1])) {
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
