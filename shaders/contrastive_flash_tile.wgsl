// Shared by the flash-style contrastive kernels (included): the block of similarity products a
// workgroup computes per column tile, with the tile in workgroup memory (docs/method.md §6).
//
// A workgroup of TY×TX invocations owns BM = TY·RM anchor rows i0 .. i0 + BM − 1 and takes the
// columns in tiles of BN = TX·RN rows of z. Invocation (ty, tx) owns rows i0 + ty + TY·r (r < RM)
// and, in every tile, columns j0 + tx + TX·q (q < RN): an RM×RN register block of z_i · z_j.
// Interleaving the rows and columns makes neighbouring invocations read neighbouring vec4s of
// workgroup memory (no bank conflicts). The column tile (all of D) is staged once per tile and
// read by the whole block of anchor rows; the anchor rows are staged DK4 vec4s of D at a time.
// The including kernel declares `z: array<vec4<f32>>` and `params.n`; DK4 divides D4.
const RM: u32 = {{RM}}u;
const RN: u32 = {{RN}}u;
const TY: u32 = {{TY}}u;
const TX: u32 = {{TX}}u;
const BM: u32 = TY * RM;
const BN: u32 = TX * RN;
const WG: u32 = TY * TX;
const D4: u32 = {{D4}}u;     // padded D / 4
const DK4: u32 = {{DK4}}u;
const CT: u32 = BN + 1u;     // row stride of col_tile: one vec4 of padding keeps reads along D conflict-free
const MASKED: f32 = -1.0e30;

// col_tile[k · CT + c]: the k-th vec4 of column row j0 + c; row_chunk[kk · BM + m]: vec4 k0 + kk of
// anchor row i0 + m.
var<workgroup> col_tile: array<vec4<f32>, D4 * CT>;
var<workgroup> row_chunk: array<vec4<f32>, DK4 * BM>;

// Copies rows j0 .. j0 + BN − 1 of z (clamped to the last row) into col_tile.
fn stage_columns(j0: u32, lid: u32) {
  workgroupBarrier();
  for (var e = lid; e < BN * D4; e += WG) {
    col_tile[(e % D4) * CT + e / D4] = z[min(j0 + e / D4, params.n - 1u) * D4 + e % D4];
  }
  workgroupBarrier();
}

// s[r · RN + q] = z_{i0 + ty + TY·r} · z_{j0 + tx + TX·q}, the column tile staged by stage_columns.
fn tile_products(i0: u32, lid: u32) -> array<f32, RM * RN> {
  let tx = lid % TX;
  let ty = lid / TX;
  var s = array<f32, RM * RN>();
  for (var k0 = 0u; k0 < D4; k0 += DK4) {
    workgroupBarrier();
    for (var e = lid; e < BM * DK4; e += WG) {
      row_chunk[(e % DK4) * BM + e / DK4] = z[min(i0 + e / DK4, params.n - 1u) * D4 + k0 + e % DK4];
    }
    workgroupBarrier();
    for (var kk = 0u; kk < DK4; kk++) {
      var a = array<vec4<f32>, RM>();
      for (var r = 0u; r < RM; r++) {
        a[r] = row_chunk[kk * BM + ty + TY * r];
      }
      for (var q = 0u; q < RN; q++) {
        let b = col_tile[(k0 + kk) * CT + tx + TX * q];
        for (var r = 0u; r < RM; r++) {
          s[r * RN + q] += dot(a[r], b);
        }
      }
    }
  }
  return s;
}
