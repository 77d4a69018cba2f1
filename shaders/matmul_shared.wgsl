// Batched matrix product C[z] = alpha · op(A[z]) · op(B[z]) (same contract as matmul.wgsl), the
// variant for GPUs: gemm_tiled's workgroup-memory tiles, fed by op(A) and op(B) read in place
// (transposes in the index math). Its hooks: a workgroup's reduction is k in [kBegin, kEnd), its
// batch's (and split-K slice's) range of the K columns of op(A); rows of C are the M rows of
// op(A), columns the N columns of op(B); an output is scaled by alpha.
// Interface: MATMUL_INTERFACE in src/kernels/matmul.ts.

const TRANS_A: bool = {{TRANS_A}};
const TRANS_B: bool = {{TRANS_B}};
const ROW_A: u32 = BM4;   // tile rows, in vec4s
const ROW_B: u32 = BN4;
//! include gemm_tiled

struct Block {
  baseA: u32,      // the batch's A and B
  baseB: u32,
  blockRow: u32,   // the block's first row and column of C
  blockCol: u32,
  kBegin: u32,
  kEnd: u32,
  baseC: u32,      // the batch's C (or split-K partial)
}

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

// Stages the BK-deep slice of op(A) and op(B) from kBegin + k into tile buffer `buf`, one value
// per element e. Neighbouring invocations read neighbouring addresses: along k for row-major A
// and for Bᵀ, along rows or columns otherwise.
fn stage(blk: Block, buf: u32, k: u32, tid: u32) {
  let k0 = blk.kBegin + k;
  for (var e = tid; e < BK * BM; e += INVOCATIONS) {
    let kk = select(e % BK, e / BM, TRANS_A);
    let r = select(e / BK, e % BM, TRANS_A);
    tileA[(buf * BK + kk) * ROW_A + r / 4u][r % 4u] = load_a(blk.baseA, blk.blockRow + r, k0 + kk, blk.kEnd);
  }
  for (var e = tid; e < BK * BN; e += INVOCATIONS) {
    let kk = select(e / BN, e % BK, TRANS_B);
    let col = select(e % BN, e / BK, TRANS_B);
    tileB[(buf * BK + kk) * ROW_B + col / 4u][col % 4u] = load_b(blk.baseB, k0 + kk, blk.blockCol + col, blk.kEnd);
  }
}

fn row_at(blk: Block, row: u32) -> u32 {
  return blk.baseC + row * params.N;
}

fn col_at(blk: Block, col: u32) -> u32 {
  return col;
}

fn store(at: u32, v: f32) {
  c[at] = v * params.alpha;
}

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wid.z % params.batches;
  let kBegin = params.k0 + (wid.z / params.batches) * params.kSplit;
  let kEnd = min(kBegin + params.kSplit, params.k0 + params.kLen);
  let blk = Block(batch * params.strideA, batch * params.strideB, wid.y * BM, wid.x * BN, kBegin, kEnd, wid.z * params.M * params.N);
  gemm(blk, max(kEnd, kBegin) - kBegin, params.M, params.N, wid, lid);
}
