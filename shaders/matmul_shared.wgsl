// Batched matrix product C[z] = alpha · op(A[z]) · op(B[z]) (same contract as matmul.wgsl), the
// variant for GPUs: a workgroup of WGX×WGY invocations computes a (WGY·TM)×(WGX·TN) block of C,
// staging BK-wide slices of A and B in workgroup memory so each global value is read once per
// block; each invocation accumulates TM×TN outputs (TN = 4·TN4) in registers.
// NBUF = 2 double-buffers the tiles: the slice after the current one is staged into the other
// buffer while the current one is multiplied, one barrier per slice instead of two.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
// The product sums over k in [k0, k0 + kLen) of the K columns of op(A) (all of them unless a
// long sum is split across dispatches). Split-K: z = split · batches + batch, and split s sums
// k in [k0 + s·kSplit, k0 + (s+1)·kSplit) ∩ [k0, k0 + kLen) into its own partial C at z (the
// partials are then added in order of s); without a split, kSplit = kLen and z is the batch.
struct Params { M: u32, N: u32, K: u32, strideA: u32, strideB: u32, alpha: f32, k0: u32, kLen: u32, batches: u32, kSplit: u32 }
@group(0) @binding(3) var<uniform> params: Params;

const TM: u32 = {{TM}}u;
const TN: u32 = {{TN4}}u * 4u;
const WGX: u32 = {{WGX}}u;
const WGY: u32 = {{WGY}}u;
const TRANS_A: bool = {{TRANS_A}};
const TRANS_B: bool = {{TRANS_B}};
const BM: u32 = WGY * TM;
const BN: u32 = WGX * TN;
const BK: u32 = 16u;
const NBUF: u32 = {{NBUF}}u;

var<workgroup> tileA: array<f32, NBUF * BK * BM>;   // tileA[buf * BK * BM + k * BM + row]
var<workgroup> tileB: array<f32, NBUF * BK * BN>;   // tileB[buf * BK * BN + k * BN + col]

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

// Stages the BK-wide slice of A and B from k0 into tile buffer `buf`. Neighbouring invocations
// read neighbouring addresses: along k for row-major A and for Bᵀ.
fn stage(buf: u32, baseA: u32, baseB: u32, blockRow: u32, blockCol: u32, k0: u32, kEnd: u32, tid: u32) {
  for (var e = tid; e < BK * BM; e += WGX * WGY) {
    let k = select(e % BK, e / BM, TRANS_A);
    let r = select(e / BK, e % BM, TRANS_A);
    tileA[buf * BK * BM + k * BM + r] = load_a(baseA, blockRow + r, k0 + k, kEnd);
  }
  for (var e = tid; e < BK * BN; e += WGX * WGY) {
    let k = select(e / BN, e % BK, TRANS_B);
    let col = select(e % BN, e / BK, TRANS_B);
    tileB[buf * BK * BN + k * BN + col] = load_b(baseB, k0 + k, blockCol + col, kEnd);
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
  var acc = array<f32, TM * TN>();
  let slices = (max(kEnd, kBegin) - kBegin + BK - 1u) / BK;
  stage(0u, baseA, baseB, blockRow, blockCol, kBegin, kEnd, tid);
  workgroupBarrier();
  for (var s = 0u; s < slices; s++) {
    let buf = s % NBUF;
    if (NBUF == 2u && s + 1u < slices) {
      stage(1u - buf, baseA, baseB, blockRow, blockCol, kBegin + (s + 1u) * BK, kEnd, tid);
    }
    let oa = buf * BK * BM;
    let ob = buf * BK * BN;
    for (var k = 0u; k < BK; k++) {
      var bv = array<f32, TN>();
      for (var j = 0u; j < TN; j++) {
        bv[j] = tileB[ob + k * BN + lid.x * TN + j];
      }
      for (var i = 0u; i < TM; i++) {
        let av = tileA[oa + k * BM + lid.y * TM + i];
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(av, bv[j], acc[i * TN + j]);
        }
      }
    }
    workgroupBarrier();
    if (NBUF == 1u && s + 1u < slices) {
      stage(0u, baseA, baseB, blockRow, blockCol, kBegin + (s + 1u) * BK, kEnd, tid);
      workgroupBarrier();
    }
  }
  let baseC = wid.z * params.M * params.N;
  for (var i = 0u; i < TM; i++) {
    let r = blockRow + lid.y * TM + i;
    for (var j = 0u; j < TN; j++) {
      let col = blockCol + lid.x * TN + j;
      if (r < params.M && col < params.N) {
        c[baseC + r * params.N + col] = acc[i * TN + j] * params.alpha;
      }
    }
  }
}
