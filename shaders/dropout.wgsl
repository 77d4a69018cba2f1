// Inverted dropout with a counter-based mask: element i of a tensor is kept when
//   hash(i, key) ≥ threshold,   key = mix(seed ⊕ mix(step)),   threshold = round(p · 2³²)
// and then y = x / (1 − p); dropped elements are 0. The mask depends only on (seed, step, i), so
// the same call reproduces it (the gradient applies it to g), and (seed, step) is all the state
// a checkpoint needs. mix is the 32-bit finaliser of MurmurHash3 (an avalanche: every input bit
// flips each output bit with probability ≈ ½).
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
struct Params { count: u32, seed: u32, step: u32, threshold: u32, scale: f32 }
@group(0) @binding(2) var<uniform> params: Params;

fn mix(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= params.count) {
    return;
  }
  let key = mix(params.seed ^ mix(params.step));
  let keep = mix(i ^ key) >= params.threshold;
  y[i] = select(0.0, x[i] * params.scale, keep);
}
