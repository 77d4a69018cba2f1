// Batched matrix product C[z] = op(A[z]) · op(B[z]), op = identity or transpose (TRANS_A, TRANS_B).
// C is M×N, op(A) is M×K, op(B) is K×N; all row-major. Batch strides may be 0 (broadcast operand).
//
// Register-tiled, no workgroup memory and no barriers (the variant for CPU adapters, where a
// barrier costs more than the reuse it buys): each invocation accumulates a TM×TN block of C
// in registers as TN/4 vec4 columns, reading TM values of A and TN values of B per k.
// Reads outside the matrices are clamped to the last row/column; those results are not written.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: MATMUL_INTERFACE in src/kernels/matmul.ts.

const TM: u32 = {{TM}}u;
const TN4: u32 = {{TN4}}u;   // TN / 4
const TRANS_A: bool = {{TRANS_A}};
const TRANS_B: bool = {{TRANS_B}};

fn load_a(base: u32, row: u32, k: u32) -> f32 {
  if (TRANS_A) {
    return a[base + k * params.M + row];
  }
  return a[base + row * params.K + k];
}

fn load_b(base: u32, k: u32, col: u32) -> f32 {
  if (TRANS_B) {
    return b[base + col * params.K + k];
  }
  return b[base + k * params.N + col];
}

@compute @workgroup_size({{WGX}}, {{WGY}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = params.M;
  let N = params.N;
  let row0 = gid.y * TM;
  let col0 = gid.x * TN4 * 4u;
  if (row0 >= M || col0 >= N) {
    return;
  }
  let batch = gid.z % params.batches;
  let kBegin = params.k0 + (gid.z / params.batches) * params.kSplit;
  let kEnd = min(kBegin + params.kSplit, params.k0 + params.kLen);
  let baseA = batch * params.strideA;
  let baseB = batch * params.strideB;
  var rows = array<u32, TM>();
  for (var i = 0u; i < TM; i++) {
    rows[i] = min(row0 + i, M - 1u);
  }
  var cols = array<vec4<u32>, TN4>();
  for (var j = 0u; j < TN4; j++) {
    let c0 = col0 + 4u * j;
    cols[j] = min(vec4<u32>(c0, c0 + 1u, c0 + 2u, c0 + 3u), vec4<u32>(N - 1u));
  }
  var acc = array<vec4<f32>, TM * TN4>();
  for (var k = kBegin; k < kEnd; k++) {
    var bv = array<vec4<f32>, TN4>();
    for (var j = 0u; j < TN4; j++) {
      let cj = cols[j];
      bv[j] = vec4<f32>(load_b(baseB, k, cj.x), load_b(baseB, k, cj.y), load_b(baseB, k, cj.z), load_b(baseB, k, cj.w));
    }
    for (var i = 0u; i < TM; i++) {
      let av = load_a(baseA, rows[i], k);
      for (var j = 0u; j < TN4; j++) {
        acc[i * TN4 + j] = fma(vec4<f32>(av), bv[j], acc[i * TN4 + j]);
      }
    }
  }
  let baseC = gid.z * M * N;
  for (var i = 0u; i < TM; i++) {
    let r = row0 + i;
    if (r >= M) {
      break;
    }
    for (var j = 0u; j < TN4; j++) {
      let v = acc[i * TN4 + j] * params.alpha;
      for (var l = 0u; l < 4u; l++) {
        let col = col0 + 4u * j + l;
        if (col < N) {
          c[baseC + r * N + col] = v[l];
        }
      }
    }
  }
}
