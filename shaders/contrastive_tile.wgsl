// Shared by the streaming contrastive kernels (included): the tile constants and how an invocation
// reads the current column tile — staged in workgroup memory once per workgroup when SHARED
// (tilings for GPUs), otherwise read from z directly (the CPU profile's). The including kernel
// declares `z: array<vec4<f32>>` and `params.n`.
const TM: u32 = {{TM}}u;
const TN4: u32 = {{TN4}}u;   // TN / 4
const TN: u32 = 4u * TN4;
const D4: u32 = {{D4}}u;     // padded D / 4
const WG: u32 = {{WG}}u;
const SHARED: bool = {{SHARED}};
const MASKED: f32 = -1.0e30;

var<workgroup> tile: array<vec4<f32>, {{TILE_VEC4}}>;

// Copies rows j0 .. j0 + TN − 1 of z (clamped to the last row) into workgroup memory.
fn stage_tile(j0: u32, lid: u32) {
  if (SHARED) {
    workgroupBarrier();
    for (var e = lid; e < TN * D4; e += WG) {
      tile[e] = z[min(j0 + e / D4, params.n - 1u) * D4 + e % D4];
    }
    workgroupBarrier();
  }
}

// The k-th vec4 of column row j0 + u (clamped to the last row).
fn column(j0: u32, u: u32, k: u32) -> vec4<f32> {
  if (SHARED) {
    return tile[u * D4 + k];
  }
  return z[min(j0 + u, params.n - 1u) * D4 + k];
}
