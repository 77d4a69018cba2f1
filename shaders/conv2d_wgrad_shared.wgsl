// Weight gradient of a 2-D convolution with workgroup-memory tiles: the variant for GPUs of
// conv2d_wgrad.wgsl, with the same contract (the same fields, the same partial sums per chunk z
// of the reduction, summed afterwards in increasing z, so no atomics and one fixed order), on
// gemm_tiled's skeleton. As a product: rows m < M, columns q = (c·KH + kh)·KW + kw < Q = C·KH·KW,
// and the reduction over the pixels r = n·HO·WO + oh·WO + ow of chunk z:
//
//   A[m, r] = dY[n, g·M + m, oh, ow]
//   B[r, q] = X[n, g·C + c, oh·SH − PAD_H + kh·DIL_H, ow·SW − PAD_W + kw·DIL_W]   (0 outside)
//
// and the product is part[z, g·M + m, q]. Its hooks: BK divides the invocations (the launch
// ensures it), so an invocation always stages the same pixel position kk of a slice — one pixel
// decoded per slice — and neighbouring invocations read neighbouring pixels. Tile rows are padded
// by one vec4 so that those neighbours, which write different rows, do not all hit one memory bank.
// Interface: CONV2D_WGRAD_INTERFACE in src/kernels/conv.ts.

const ROW_A: u32 = BM4 + 1u;   // padded tile rows, in vec4s
const ROW_B: u32 = BN4 + 1u;
// Rows of A and columns of B one invocation stages: tid / BK + e·(INVOCATIONS / BK).
const STEP: u32 = INVOCATIONS / BK;
const A_ROWS: u32 = 4u * BM4 / STEP;
const B_COLS: u32 = 4u * BN4 / STEP;
//! include gemm_tiled

// The invocation's staging columns of B: channel plane and tap offset (from oh·SH, ow·SW).
struct Columns {
  chan: array<u32, B_COLS>,
  offH: array<i32, B_COLS>,
  offW: array<i32, B_COLS>,
  inside: array<bool, B_COLS>,
}

struct Block {
  r0: u32,     // the chunk's pixels r0 ≤ r < r1
  r1: u32,
  g: u32,
  row0: u32,   // the block's first row
  cols: Columns,
  out: u32,    // the chunk's partial sums
  Q: u32,
}

fn stage(blk: Block, buf: u32, k: u32, tid: u32) {
  let kk = tid % BK;
  let r = blk.r0 + k + kk;
  let P = params.HO * params.WO;
  let ok = r < blk.r1;
  let n = select(0u, r / P, ok);
  let pix = select(0u, r - n * P, ok);
  let oh = pix / params.WO;
  let ow = pix - oh * params.WO;
  let dyAt = (n * params.groups + blk.g) * params.M * P + pix;
  for (var e = 0u; e < A_ROWS; e++) {
    let m = tid / BK + e * STEP;
    let okA = ok && blk.row0 + m < params.M;
    tileA[(buf * BK + kk) * ROW_A + m / 4u][m % 4u] = select(0.0, dy[select(0u, dyAt + (blk.row0 + m) * P, okA)], okA);
  }
  let image = n * params.groups * params.C * params.H * params.W;
  let ihBase = i32(oh * params.SH);
  let iwBase = i32(ow * params.SW);
  for (var e = 0u; e < B_COLS; e++) {
    let q = tid / BK + e * STEP;
    let ih = ihBase + blk.cols.offH[e];
    let iw = iwBase + blk.cols.offW[e];
    // Negative coordinates wrap to large unsigned values, so one comparison per axis.
    let okB = ok && blk.cols.inside[e] && u32(ih) < params.H && u32(iw) < params.W;
    let at = image + blk.cols.chan[e] + u32(ih) * params.W + u32(iw);
    tileB[(buf * BK + kk) * ROW_B + q / 4u][q % 4u] = select(0.0, x[select(0u, at, okB)], okB);
  }
}

fn row_at(blk: Block, m: u32) -> u32 {
  return blk.out + (blk.g * params.M + m) * blk.Q;
}

fn col_at(blk: Block, q: u32) -> u32 {
  return q;
}

fn store(at: u32, v: f32) {
  part[at] = v;
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let KK = params.KH * params.KW;
  let Q = params.C * KK;
  let g = wid.z % params.groups;
  let z = wid.z / params.groups;
  let R = params.N * params.HO * params.WO;
  let r0 = z * params.chunk;
  let r1 = min(R, r0 + params.chunk);
  let tid = lid.y * WGX + lid.x;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;

  var cols = Columns();
  for (var e = 0u; e < B_COLS; e++) {
    let q = col0 + tid / BK + e * STEP;
    let tap = q % KK;
    cols.chan[e] = (g * params.C + q / KK) * params.H * params.W;
    cols.offH[e] = i32(tap / params.KW) * params.DIL_H - params.PAD_H;
    cols.offW[e] = i32(tap % params.KW) * params.DIL_W - params.PAD_W;
    cols.inside[e] = q < Q;
  }
  let blk = Block(r0, r1, g, row0, cols, z * params.groups * params.M * Q, Q);
  gemm(blk, r1 - r0, params.M, Q, wid, lid);
}
