// Debug mode: flags[slot] |= 1 if any x[i] is NaN or ±Inf. Interface: CHECK_FINITE in
// src/runtime/builtin-kernels.ts.
fn item(i: u32) {
  if (!is_finite(x[i])) {
    atomicOr(&flags[params.slot], 1u);
  }
}
