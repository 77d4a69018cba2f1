// Class sums for the positive terms of the contrastive loss (docs/method.md §5–§6):
//   S_c = Σ_{i : y_i = c} z_i            (WEIGHTED false)
//   W_c = Σ_{i : y_i = c} w_i z_i        (WEIGHTED true; w_i the anchor weights of the rows)
// The rows of class c are listed in increasing order in members[start[c] .. start[c + 1]) (built on
// the CPU). Invocation (c, part, k) sums the k-th vec4 of members part·chunk .. part·chunk + chunk − 1
// of class c into partial[c, part, k]; the parts are then summed in order by the reduce kernel.
// Every sum runs in a fixed order (reproducible, no atomics), and `chunk` keeps each invocation's
// loop within the loop budget of CPU adapters (src/kernels/loop-budget.ts).
// Interface: CLASS_SUMS in src/kernels/contrastive.ts.

fn item(o: u32) {
  let k = o % params.d4;
  let part = (o / params.d4) % params.parts;
  let c = o / (params.d4 * params.parts);
  let begin = start[c] + part * params.chunk;
  let end = min(start[c + 1u], begin + params.chunk);
  var acc = vec4<f32>(0.0);
  for (var e = begin; e < end; e++) {
    let i = members[e];
    acc += select(1.0, rows[i].weight, {{WEIGHTED}}) * z[i * params.d4 + k];
  }
  partial[o] = acc;
}
