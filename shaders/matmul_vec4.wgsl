// Batched matrix product C[z] = alpha · A[z] · B[z] for row-major A (M×K) and B (K×N) whose K and
// N are multiples of 4: the register-tiled CPU variant of matmul.wgsl reading vec4s.
// Each invocation keeps a TM×(4·TN4) block of C in vec4 registers; per step it reads one vec4 of
// each of its TM rows of A (4 consecutive k) and 4×TN4 vec4s of B (rows k..k+3), then does
// 4·TM·TN4 vec4 FMAs: C[i, 4j..4j+3] += A[i, k+t] · B[k+t, 4j..4j+3], t = 0..3.
// Rows past M and columns past N read clamped addresses and are not written.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: MATMUL_INTERFACE in src/kernels/matmul.ts.

const TM: u32 = {{TM}}u;
const TN4: u32 = {{TN4}}u;

@compute @workgroup_size({{WGX}}, {{WGY}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = params.M;
  let N4 = params.N / 4u;
  let K4 = params.K / 4u;
  let row0 = gid.y * TM;
  let col40 = gid.x * TN4;
  if (row0 >= M || col40 >= N4) {
    return;
  }
  let batch = gid.z % params.batches;
  let kBegin = params.k0 + (gid.z / params.batches) * params.kSplit;
  let kEnd = min(kBegin + params.kSplit, params.k0 + params.kLen);
  let baseA = batch * params.strideA / 4u;
  let baseB = batch * params.strideB / 4u;
  var rows = array<u32, TM>();
  for (var i = 0u; i < TM; i++) {
    rows[i] = baseA + min(row0 + i, M - 1u) * K4;
  }
  var cols = array<u32, TN4>();
  for (var j = 0u; j < TN4; j++) {
    cols[j] = baseB + min(col40 + j, N4 - 1u);
  }
  var acc = array<vec4<f32>, TM * TN4>();
  for (var k4 = kBegin / 4u; k4 < kEnd / 4u; k4++) {
    var bv = array<vec4<f32>, 4 * TN4>();
    for (var kk = 0u; kk < 4u; kk++) {
      for (var j = 0u; j < TN4; j++) {
        bv[kk * TN4 + j] = b[cols[j] + (4u * k4 + kk) * N4];
      }
    }
    for (var i = 0u; i < TM; i++) {
      let av = a[rows[i] + k4];
      for (var j = 0u; j < TN4; j++) {
        var s = acc[i * TN4 + j];
        s = fma(vec4<f32>(av.x), bv[j], s);
        s = fma(vec4<f32>(av.y), bv[TN4 + j], s);
        s = fma(vec4<f32>(av.z), bv[2u * TN4 + j], s);
        s = fma(vec4<f32>(av.w), bv[3u * TN4 + j], s);
        acc[i * TN4 + j] = s;
      }
    }
  }
  let baseC = gid.z * M * params.N;
  for (var i = 0u; i < TM; i++) {
    let r = row0 + i;
    if (r >= M) {
      break;
    }
    for (var j = 0u; j < TN4; j++) {
      let col = 4u * (col40 + j);
      if (col < params.N) {
        let v = acc[i * TN4 + j] * params.alpha;
        let o = baseC + r * params.N + col;
        c[o] = v.x;
        c[o + 1u] = v.y;
        c[o + 2u] = v.z;
        c[o + 3u] = v.w;
      }
    }
  }
}
