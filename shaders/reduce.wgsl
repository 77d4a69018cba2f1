// Reduction over the middle axis of a [A, R, B] view: out[a, c, b] = ⊕_{r in chunk c} x[a, r, b] · scale,
// with ⊕ = sum or max (specialised) and chunks of `chunk` consecutive r (nchunks = ceil(R / chunk)).
// One invocation per output, summing in increasing r: a fixed order, so results are reproducible.
// A long reduction runs twice: first into nchunks partial results, then over those.
// Interface: BY_INVOCATION in src/kernels/reduce.ts.

fn sum(x: f32, y: f32) -> f32 {
  return x + y;
}

fn item(o: u32) {
  let B = params.B;
  let b = o % B;
  let c = (o / B) % params.nchunks;
  let a = o / (B * params.nchunks);
  let r0 = c * params.chunk;
  let r1 = min(params.R, r0 + params.chunk);
  var base = (a * params.R + r0) * B + b;
  var acc = {{INIT}};
  for (var r = r0; r < r1; r++) {
    acc = {{OP}}(acc, src[base]);
    base += B;
  }
  dst[o] = acc * params.scale;
}
