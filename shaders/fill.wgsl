// dst[i] = value. Interface: FILL in src/runtime/builtin-kernels.ts.
fn item(i: u32) {
  dst[i] = params.value;
}
