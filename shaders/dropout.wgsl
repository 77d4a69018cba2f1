// Inverted dropout with a counter-based mask: element i of a tensor is kept when
//   hash(i, key) ≥ threshold,   key = mix(seed ⊕ mix(step)),   threshold = round(p · 2³²)
// and then y = x / (1 − p); dropped elements are 0. The mask depends only on (seed, step, i), so
// the same call reproduces it (the gradient applies it to g), and (seed, step) is all the state
// a checkpoint needs. mix is the 32-bit finaliser of MurmurHash3 (an avalanche: every input bit
// flips each output bit with probability ≈ ½). Interface: DROPOUT in src/kernels/dropout.ts.

fn mix(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn item(i: u32) {
  let key = mix(params.seed ^ mix(params.step));
  let keep = mix(i ^ key) >= params.threshold;
  y[i] = select(0.0, x[i] * params.scale, keep);
}
