// Weight gradient of a 2-D convolution with workgroup-memory tiles: the variant for GPUs of
// conv2d_wgrad.wgsl, with the same contract (the same fields, the same partial sums per chunk z
// of the reduction, summed afterwards in increasing z, so no atomics and one fixed order). As a
// product: rows m < M, columns q = (c·KH + kh)·KW + kw < Q = C·KH·KW, and the reduction over the
// pixels r = n·HO·WO + oh·WO + ow of chunk z:
//
//   A[m, r] = dY[n, g·M + m, oh, ow]
//   B[r, q] = X[n, g·C + c, oh·SH − PAD_H + kh·DIL_H, ow·SW − PAD_W + kw·DIL_W]   (0 outside)
//
// A workgroup of WGX×WGY invocations computes a BM×BN block of part[z] (BM = 4·TM4·WGY,
// BN = 4·TN4·WGX), staging BK-deep slices of A and B in workgroup memory; an invocation holds
// TM4×TN4 groups of 4×4 sums in registers (row groups lid.y + i·WGY, column groups lid.x + j·WGX).
// NBUF = 2 double-buffers the tiles.
// Staging: BK divides the invocations (the launch ensures it), so an invocation always stages the
// same pixel position kk of a slice — one pixel decoded per slice — and neighbouring invocations
// read neighbouring pixels. Tile rows are padded by one vec4 so that those neighbours, which write
// different rows, do not all hit one memory bank.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: CONV2D_WGRAD_INTERFACE in src/kernels/conv.ts.

const TM4: u32 = {{TM4}}u;
const TN4: u32 = {{TN4}}u;
const WGX: u32 = {{WGX}}u;
const WGY: u32 = {{WGY}}u;
const NBUF: u32 = {{NBUF}}u;
const INVOCATIONS: u32 = WGX * WGY;
const BM4: u32 = WGY * TM4;
const BN4: u32 = WGX * TN4;
const BK: u32 = 16u;
const ROW_A: u32 = BM4 + 1u;   // padded tile rows, in vec4s
const ROW_B: u32 = BN4 + 1u;
// Rows of A and columns of B one invocation stages: tid / BK + e·(INVOCATIONS / BK).
const STEP: u32 = INVOCATIONS / BK;
const A_ROWS: u32 = 4u * BM4 / STEP;
const B_COLS: u32 = 4u * BN4 / STEP;

var<workgroup> tileA: array<vec4<f32>, NBUF * BK * ROW_A>;   // [buf][r][row group]
var<workgroup> tileB: array<vec4<f32>, NBUF * BK * ROW_B>;   // [buf][r][column group]
//! include tile_block

// The invocation's staging columns of B: channel plane and tap offset (from oh·SH, ow·SW).
struct Columns {
  chan: array<u32, B_COLS>,
  offH: array<i32, B_COLS>,
  offW: array<i32, B_COLS>,
  inside: array<bool, B_COLS>,
}

fn stage(buf: u32, r: u32, r1: u32, g: u32, row0: u32, cols: Columns, tid: u32) {
  let kk = tid % BK;
  let P = params.HO * params.WO;
  let ok = r < r1;
  let n = select(0u, r / P, ok);
  let pix = select(0u, r - n * P, ok);
  let oh = pix / params.WO;
  let ow = pix - oh * params.WO;
  let dyAt = (n * params.groups + g) * params.M * P + pix;
  for (var e = 0u; e < A_ROWS; e++) {
    let m = tid / BK + e * STEP;
    let okA = ok && row0 + m < params.M;
    tileA[(buf * BK + kk) * ROW_A + m / 4u][m % 4u] = select(0.0, dy[select(0u, dyAt + (row0 + m) * P, okA)], okA);
  }
  let image = n * params.groups * params.C * params.H * params.W;
  let ihBase = i32(oh * params.SH);
  let iwBase = i32(ow * params.SW);
  for (var e = 0u; e < B_COLS; e++) {
    let q = tid / BK + e * STEP;
    let ih = ihBase + cols.offH[e];
    let iw = iwBase + cols.offW[e];
    // Negative coordinates wrap to large unsigned values, so one comparison per axis.
    let okB = ok && cols.inside[e] && u32(ih) < params.H && u32(iw) < params.W;
    let at = image + cols.chan[e] + u32(ih) * params.W + u32(iw);
    tileB[(buf * BK + kk) * ROW_B + q / 4u][q % 4u] = select(0.0, x[select(0u, at, okB)], okB);
  }
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
  let row0 = 4u * wid.y * BM4;
  let col0 = 4u * wid.x * BN4;

  var cols = Columns();
  for (var e = 0u; e < B_COLS; e++) {
    let q = col0 + tid / BK + e * STEP;
    let tap = q % KK;
    cols.chan[e] = (g * params.C + q / KK) * params.H * params.W;
    cols.offH[e] = i32(tap / params.KW) * params.DIL_H - params.PAD_H;
    cols.offW[e] = i32(tap % params.KW) * params.DIL_W - params.PAD_W;
    cols.inside[e] = q < Q;
  }

  var acc = array<vec4<f32>, BLOCK>();
  let slices = (r1 - r0 + BK - 1u) / BK;
  let kk = tid % BK;
  stage(0u, r0 + kk, r1, g, row0, cols, tid);
  workgroupBarrier();
  for (var s = 0u; s < slices; s++) {
    let buf = s % NBUF;
    if (NBUF == 2u && s + 1u < slices) {
      stage(1u - buf, r0 + (s + 1u) * BK + kk, r1, g, row0, cols, tid);
    }
    multiply_slice(&acc, buf, lid);
    workgroupBarrier();
    if (NBUF == 1u && s + 1u < slices) {
      stage(0u, r0 + (s + 1u) * BK + kk, r1, g, row0, cols, tid);
      workgroupBarrier();
    }
  }

  let My = params.groups * params.M;
  let out = z * My * Q;
  for (var i = 0u; i < TM4; i++) {
    for (var l = 0u; l < 4u; l++) {
      let m = row0 + block_row(i, l, lid);
      if (m >= params.M) {
        continue;
      }
      for (var j = 0u; j < TN4; j++) {
        for (var l2 = 0u; l2 < 4u; l2++) {
          let q = col0 + block_col(j, l2, lid);
          if (q < Q) {
            part[out + (g * params.M + m) * Q + q] = acc[(4u * i + l) * TN4 + j][l2];
          }
        }
      }
    }
  }
}
