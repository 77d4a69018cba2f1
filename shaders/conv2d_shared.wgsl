// Direct 2-D convolution as an implicit GEMM with workgroup-memory tiles: the variant for GPUs of
// conv2d.wgsl, with the same contract (the forward pass and the input gradient, the same fields,
// the same packed weights). As a product: rows m < M, columns the grid points p = gy·WG + gx,
// and the reduction over k = (th·TW + tw)·C + c < K = TH·TW·C, so
//
//   A[m, k] = Wt(g, m, c, th, tw) = wp[(g·K + k)·MP/4 + m/4][m % 4]   (packed by conv2d_pack.wgsl)
//   B[k, p] = X[n, g·C + c, gy·SH + OFFH + th·DH, gx·SW + OFFW + tw·DW]   (0 outside the image)
//
// A workgroup of WGX×WGY invocations computes a BM×BN block of Y (BM = 4·TM4·WGY, BN = 4·TN4·WGX),
// staging BK-deep slices of A and of the patches B in workgroup memory, so every value read from
// memory serves a whole row or column of the block. An invocation holds TM4×TN4 groups of 4×4
// outputs in registers: row groups lid.y + i·WGY and column groups lid.x + j·WGX (interleaved, so
// neighbouring invocations read neighbouring tile entries). NBUF = 2 double-buffers the tiles.
// Staging B: BN divides the invocations (the launch ensures it), so an invocation always stages
// the same column, whose top-left tap is computed once, and neighbouring invocations read
// neighbouring pixels.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: CONV2D_INTERFACE in src/kernels/conv.ts.

const TM4: u32 = {{TM4}}u;
const TN4: u32 = {{TN4}}u;
const WGX: u32 = {{WGX}}u;
const WGY: u32 = {{WGY}}u;
const NBUF: u32 = {{NBUF}}u;
const INVOCATIONS: u32 = WGX * WGY;
const BM4: u32 = WGY * TM4;
const BN4: u32 = WGX * TN4;
const BN: u32 = 4u * BN4;
const ROW_A: u32 = BM4;   // tile rows, in vec4s
const ROW_B: u32 = BN4;
const BK: u32 = 16u;
// Rows of the B slice one invocation stages: k = kFirst + r·B_ROW_STEP for r < B_ROWS.
const B_ROW_STEP: u32 = INVOCATIONS / BN;
const B_ROWS: u32 = BK / B_ROW_STEP;

var<workgroup> tileA: array<vec4<f32>, NBUF * BK * BM4>;   // [buf][k][row group]
var<workgroup> tileB: array<vec4<f32>, NBUF * BK * BN4>;   // [buf][k][column group]
//! include tile_block

// Where the invocation's staging column reads X: the top-left tap of its grid point.
struct Column {
  ih: i32,
  iw: i32,
  inside: bool,
}

fn stage_a(buf: u32, wBase: u32, rowGroup0: u32, k0: u32, kEnd: u32, tid: u32) {
  let MP4 = params.MP / 4u;
  for (var e = tid; e < BK * BM4; e += INVOCATIONS) {
    let k = k0 + e / BM4;
    let m4 = rowGroup0 + e % BM4;
    let ok = k < kEnd && m4 < MP4;
    tileA[buf * BK * BM4 + e] = select(vec4<f32>(0.0), wp[select(0u, wBase + k * MP4 + m4, ok)], ok);
  }
}

fn stage_b(buf: u32, image: u32, col: Column, colInTile: u32, k0: u32, kEnd: u32, tid: u32) {
  let planeSize = params.HX * params.WX;
  for (var r = 0u; r < B_ROWS; r++) {
    let kk = tid / BN + r * B_ROW_STEP;
    let k = k0 + kk;
    let tap = k / params.C;
    let c = k - tap * params.C;
    let th = tap / params.TW;
    let tw = tap - th * params.TW;
    let ih = col.ih + i32(th) * params.DH;
    let iw = col.iw + i32(tw) * params.DW;
    // Negative coordinates wrap to large unsigned values, so one comparison per axis.
    let ok = col.inside && k < kEnd && u32(ih) < params.HX && u32(iw) < params.WX;
    let at = image + c * planeSize + u32(ih) * params.WX + u32(iw);
    tileB[(buf * BK + kk) * BN4 + colInTile / 4u][colInTile % 4u] = select(0.0, x[select(0u, at, ok)], ok);
  }
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let P = params.HG * params.WG;
  let n = wid.z / params.groups;
  let g = wid.z % params.groups;
  let tid = lid.y * WGX + lid.x;
  let K = params.TH * params.TW * params.C;
  let image = (n * params.groups + g) * params.C * params.HX * params.WX;
  let wBase = g * K * (params.MP / 4u);
  let rowGroup0 = wid.y * BM4;
  let col0 = wid.x * BN;

  let colInTile = tid % BN;
  let p = col0 + colInTile;
  let q = min(p, P - 1u);
  let col = Column(i32((q / params.WG) * params.SH) + params.OFFH, i32((q % params.WG) * params.SW) + params.OFFW, p < P);

  var acc = array<vec4<f32>, BLOCK>();
  let slices = (K + BK - 1u) / BK;
  stage_a(0u, wBase, rowGroup0, 0u, K, tid);
  stage_b(0u, image, col, colInTile, 0u, K, tid);
  workgroupBarrier();
  for (var s = 0u; s < slices; s++) {
    let buf = s % NBUF;
    if (NBUF == 2u && s + 1u < slices) {
      stage_a(1u - buf, wBase, rowGroup0, (s + 1u) * BK, K, tid);
      stage_b(1u - buf, image, col, colInTile, (s + 1u) * BK, K, tid);
    }
    multiply_slice(&acc, buf, lid);
    workgroupBarrier();
    if (NBUF == 1u && s + 1u < slices) {
      stage_a(0u, wBase, rowGroup0, (s + 1u) * BK, K, tid);
      stage_b(0u, image, col, colInTile, (s + 1u) * BK, K, tid);
      workgroupBarrier();
    }
  }

  let MY = params.groups * params.M;
  for (var j = 0u; j < TN4; j++) {
    for (var l2 = 0u; l2 < 4u; l2++) {
      let pj = col0 + block_col(j, l2, lid);
      if (pj >= P) {
        continue;
      }
      let outAt = ((pj / params.WG) * params.OSH + params.ORH) * params.WY + (pj % params.WG) * params.OSW + params.ORW;
      for (var i = 0u; i < TM4; i++) {
        for (var l = 0u; l < 4u; l++) {
          let m = 4u * rowGroup0 + block_row(i, l, lid);
          if (m < params.M) {
            y[(n * MY + g * params.M + m) * params.HY * params.WY + outAt] = acc[(4u * i + l) * TN4 + j][l2];
          }
        }
      }
    }
  }
}
