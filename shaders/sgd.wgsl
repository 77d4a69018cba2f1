// SGD with momentum and (coupled) weight decay, PyTorch's convention, on one parameter tensor:
//   g' = s·g + λ·w,   v ← μ·v + g',   w ← w − lr·v        (μ = 0: w ← w − lr·g')
// s is the gradient scale from clipping by global norm (scale[0], 1 when not clipping). Unless
// scale[1] (the gradient norm when clipping, and a guard the caller may fold in) is finite, the
// update is skipped: weight and state stay as they were.
@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read_write> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
struct Params { count: u32, lr: f32, momentum: f32, weightDecay: f32 }
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count || !is_finite(scale[1])) {
    return;
  }
  let w = weight[i];
  let g = scale[0] * grad[i] + params.weightDecay * w;
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  weight[i] = w - params.lr * v;
}
