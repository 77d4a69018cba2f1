// Batched matrix product C[z] = alpha · op(A[z]) · op(B[z]) (same contract as matmul.wgsl), the
// variant for GPUs: a workgroup of WGX×WGY invocations computes a BM×BN block of C (BM = 4·TM4·WGY,
// BN = 4·TN4·WGX), staging BK-deep slices of op(A) and op(B) in workgroup memory so each global
// value is read once per block. The tiles hold vec4s: tileA groups 4 rows of op(A) at one k,
// tileB 4 columns of op(B). An invocation holds TM4×TN4 groups of 4×4 outputs in registers: row
// groups lid.y + i·WGY and column groups lid.x + j·WGX (interleaved, so neighbouring invocations
// read neighbouring tile entries); the multiply is tile_block's, as in the conv kernels.
// NBUF = 2 double-buffers the tiles: the slice after the current one is staged into the other
// buffer while the current one is multiplied, one barrier per slice instead of two.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: MATMUL_INTERFACE in src/kernels/matmul.ts.

const TM4: u32 = {{TM4}}u;
const TN4: u32 = {{TN4}}u;
const WGX: u32 = {{WGX}}u;
const WGY: u32 = {{WGY}}u;
const TRANS_A: bool = {{TRANS_A}};
const TRANS_B: bool = {{TRANS_B}};
const NBUF: u32 = {{NBUF}}u;
const INVOCATIONS: u32 = WGX * WGY;
const BM4: u32 = WGY * TM4;
const BN4: u32 = WGX * TN4;
const BM: u32 = 4u * BM4;
const BN: u32 = 4u * BN4;
const ROW_A: u32 = BM4;   // tile rows, in vec4s
const ROW_B: u32 = BN4;
const BK: u32 = 16u;

var<workgroup> tileA: array<vec4<f32>, NBUF * BK * BM4>;   // [buf][k][row group]
var<workgroup> tileB: array<vec4<f32>, NBUF * BK * BN4>;   // [buf][k][column group]
//! include tile_block

fn load_a(base: u32, row: u32, k: u32, kEnd: u32) -> f32 {
  if (row >= params.M || k >= kEnd) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[base + k * params.M + row];
  }
  return a[base + row * params.K + k];
}

fn load_b(base: u32, k: u32, col: u32, kEnd: u32) -> f32 {
  if (col >= params.N || k >= kEnd) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[base + col * params.K + k];
  }
  return b[base + k * params.N + col];
}

// Stages the BK-deep slice of op(A) and op(B) from k0 into tile buffer `buf`, one value per
// element e. Neighbouring invocations read neighbouring addresses: along k for row-major A and
// for Bᵀ, along rows or columns otherwise.
fn stage(buf: u32, baseA: u32, baseB: u32, blockRow: u32, blockCol: u32, k0: u32, kEnd: u32, tid: u32) {
  for (var e = tid; e < BK * BM; e += INVOCATIONS) {
    let k = select(e % BK, e / BM, TRANS_A);
    let r = select(e / BK, e % BM, TRANS_A);
    tileA[(buf * BK + k) * ROW_A + r / 4u][r % 4u] = load_a(baseA, blockRow + r, k0 + k, kEnd);
  }
  for (var e = tid; e < BK * BN; e += INVOCATIONS) {
    let k = select(e / BN, e % BK, TRANS_B);
    let col = select(e % BN, e / BK, TRANS_B);
    tileB[(buf * BK + k) * ROW_B + col / 4u][col % 4u] = load_b(baseB, k0 + k, blockCol + col, kEnd);
  }
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wid.z % params.batches;
  let kBegin = params.k0 + (wid.z / params.batches) * params.kSplit;
  let kEnd = min(kBegin + params.kSplit, params.k0 + params.kLen);
  let baseA = batch * params.strideA;
  let baseB = batch * params.strideB;
  let blockRow = wid.y * BM;
  let blockCol = wid.x * BN;
  let tid = lid.y * WGX + lid.x;
  var acc = array<vec4<f32>, BLOCK>();
  let slices = (max(kEnd, kBegin) - kBegin + BK - 1u) / BK;
  stage(0u, baseA, baseB, blockRow, blockCol, kBegin, kEnd, tid);
  workgroupBarrier();
  for (var s = 0u; s < slices; s++) {
    let buf = s % NBUF;
    if (NBUF == 2u && s + 1u < slices) {
      stage(1u - buf, baseA, baseB, blockRow, blockCol, kBegin + (s + 1u) * BK, kEnd, tid);
    }
    multiply_slice(&acc, buf, lid);
    workgroupBarrier();
    if (NBUF == 1u && s + 1u < slices) {
      stage(0u, baseA, baseB, blockRow, blockCol, kBegin + (s + 1u) * BK, kEnd, tid);
      workgroupBarrier();
    }
  }
  let baseC = wid.z * params.M * params.N;
  for (var i = 0u; i < TM4; i++) {
    for (var l = 0u; l < 4u; l++) {
      let r = blockRow + block_row(i, l, lid);
      if (r >= params.M) {
        continue;
      }
      for (var j = 0u; j < TN4; j++) {
        for (var l2 = 0u; l2 < 4u; l2++) {
          let col = blockCol + block_col(j, l2, lid);
          if (col < params.N) {
            c[baseC + r * params.N + col] = acc[(4u * i + l) * TN4 + j][l2] * params.alpha;
          }
        }
      }
    }
  }
}
