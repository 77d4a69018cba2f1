// Shared helpers, prefixed to every kernel.

// Index of a workgroup in a dispatch folded into 2-D/3-D (see Runtime.fold).
fn flat_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + nwg.x * (wid.y + nwg.y * wid.z);
}

// NaN/Inf test on the bits: compilers may assume floats are finite and fold `x != x` away.
fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}
