// Direct 2-D convolution as an implicit GEMM with workgroup-memory tiles: the variant for GPUs of
// conv2d.wgsl, with the same contract (the forward pass and the input gradient, the same fields,
// the same packed weights), on gemm_tiled's skeleton. As a product: rows m < M, columns the grid
// points p = gy·WG + gx, and the reduction over k = (th·TW + tw)·C + c < K = TH·TW·C, so
//
//   A[m, k] = Wt(g, m, c, th, tw) = wp[(g·K + k)·MP/4 + m/4][m % 4]   (packed by conv2d_pack.wgsl)
//   B[k, p] = X[n, g·C + c, gy·SH + OFFH + th·DH, gx·SW + OFFW + tw·DW]   (0 outside the image)
//
// and the product lands at Y[n, g·M + m, gy·OSH + ORH, gx·OSW + ORW]. Its hooks: staging A
// copies vec4s of packed weights; staging B gathers the patches: BN divides the invocations (the
// launch ensures it), so an invocation always stages the same column, whose top-left tap is
// computed once, and neighbouring invocations read neighbouring pixels.
// Interface: CONV2D_INTERFACE in src/kernels/conv.ts.

const ROW_A: u32 = BM4;   // tile rows, in vec4s
const ROW_B: u32 = BN4;
// Rows of the B slice one invocation stages: k = kFirst + r·B_ROW_STEP for r < B_ROWS.
const B_ROW_STEP: u32 = INVOCATIONS / BN;
const B_ROWS: u32 = BK / B_ROW_STEP;
//! include gemm_tiled

// Where the invocation's staging column reads X: the top-left tap of its grid point.
struct Column {
  ih: i32,
  iw: i32,
  inside: bool,
}

struct Block {
  wBase: u32,       // the group's packed weights
  rowGroup0: u32,   // the block's first row group
  image: u32,       // the image and group of X
  K: u32,
  col: Column,      // the invocation's staging column
  colInTile: u32,
  yRow0: u32,       // the plane of Y of row m = 0: image n, channel g·M
}

// A slice of packed weights, one vec4 per element e = k·BM4 + row group.
fn stage_a(blk: Block, buf: u32, k0: u32, tid: u32) {
  let MP4 = params.MP / 4u;
  for (var e = tid; e < BK * BM4; e += INVOCATIONS) {
    let k = k0 + e / BM4;
    let m4 = blk.rowGroup0 + e % BM4;
    let ok = k < blk.K && m4 < MP4;
    tileA[(buf * BK + e / BM4) * ROW_A + e % BM4] = select(vec4<f32>(0.0), wp[select(0u, blk.wBase + k * MP4 + m4, ok)], ok);
  }
}

// A slice of patches: the invocation's column at B_ROWS values of k.
fn stage_b(blk: Block, buf: u32, k0: u32, tid: u32) {
  let planeSize = params.HX * params.WX;
  for (var r = 0u; r < B_ROWS; r++) {
    let kk = tid / BN + r * B_ROW_STEP;
    let k = k0 + kk;
    let tap = k / params.C;
    let c = k - tap * params.C;
    let th = tap / params.TW;
    let tw = tap - th * params.TW;
    let ih = blk.col.ih + i32(th) * params.DH;
    let iw = blk.col.iw + i32(tw) * params.DW;
    // Negative coordinates wrap to large unsigned values, so one comparison per axis.
    let ok = blk.col.inside && k < blk.K && u32(ih) < params.HX && u32(iw) < params.WX;
    let at = blk.image + c * planeSize + u32(ih) * params.WX + u32(iw);
    tileB[(buf * BK + kk) * ROW_B + blk.colInTile / 4u][blk.colInTile % 4u] = select(0.0, x[select(0u, at, ok)], ok);
  }
}

fn stage(blk: Block, buf: u32, k: u32, tid: u32) {
  stage_a(blk, buf, k, tid);
  stage_b(blk, buf, k, tid);
}

fn row_at(blk: Block, m: u32) -> u32 {
  return (blk.yRow0 + m) * params.HY * params.WY;
}

// The output pixel of grid point p.
fn col_at(blk: Block, p: u32) -> u32 {
  return ((p / params.WG) * params.OSH + params.ORH) * params.WY + (p % params.WG) * params.OSW + params.ORW;
}

fn store(at: u32, v: f32) {
  y[at] = v;
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let P = params.HG * params.WG;
  let n = wid.z / params.groups;
  let g = wid.z % params.groups;
  let tid = lid.y * WGX + lid.x;
  let K = params.TH * params.TW * params.C;
  let colInTile = tid % BN;
  let p = wid.x * BN + colInTile;
  let q = min(p, P - 1u);
  let col = Column(i32((q / params.WG) * params.SH) + params.OFFH, i32((q % params.WG) * params.SW) + params.OFFW, p < P);
  let blk = Block(g * K * (params.MP / 4u), wid.y * BM4, (n * params.groups + g) * params.C * params.HX * params.WX, K, col, colInTile, n * params.groups * params.M + g * params.M);
  gemm(blk, K, params.M, P, wid, lid);
}
