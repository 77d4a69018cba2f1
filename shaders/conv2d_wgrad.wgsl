// Weight gradient of a 2-D convolution (NCHW input, OIHW weight), as a GEMM that reduces over
// batch and output pixels, split into fixed chunks of that reduction (no atomics):
//
//   part[z, g·M + m, c, kh, kw] = Σ_{r in chunk z}  dY[n, g·M + m, oh, ow] · X[n, g·C + c, ih, iw]
//   with r = n·HO·WO + oh·WO + ow,  ih = oh·SH − PAD_H + kh·DIL_H,  iw = ow·SW − PAD_W + kw·DIL_W
//   (X read as 0 outside the image). dW = Σ_z part[z] is summed afterwards in increasing z, so
//   every element is accumulated in one fixed order.
//
// Register tiling without barriers: an invocation accumulates TM rows m × 4·TN4 consecutive
// columns q = (c·KH + kh)·KW + kw as vec4s, walking r in increasing order.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: CONV2D_WGRAD_INTERFACE in src/kernels/conv.ts.

const TM: u32 = {{TM}}u;
const TN4: u32 = {{TN4}}u;

@compute @workgroup_size({{WGX}}, {{WGY}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let KK = params.KH * params.KW;
  let Q = params.C * KK;
  let q0 = gid.x * TN4 * 4u;
  let m0 = gid.y * TM;
  if (q0 >= Q || m0 >= params.M) {
    return;
  }
  let g = gid.z % params.groups;
  let z = gid.z / params.groups;
  let P = params.HO * params.WO;
  let R = params.N * P;
  let r0 = z * params.chunk;
  let r1 = min(R, r0 + params.chunk);
  let HW = params.H * params.W;
  let Cx = params.groups * params.C;
  let My = params.groups * params.M;

  // Per column: its channel plane within an image, and the tap's offset from (oh·S, ow·S).
  var chan = array<vec4<u32>, TN4>();
  var offH = array<vec4<i32>, TN4>();
  var offW = array<vec4<i32>, TN4>();
  for (var j = 0u; j < TN4; j++) {
    let q = min(vec4<u32>(q0 + 4u * j) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(Q - 1u));
    let tap = q % KK;
    chan[j] = (g * params.C + q / KK) * HW;
    offH[j] = vec4<i32>(tap / params.KW) * params.DIL_H - params.PAD_H;
    offW[j] = vec4<i32>(tap % params.KW) * params.DIL_W - params.PAD_W;
  }
  var rows = array<u32, TM>();
  for (var i = 0u; i < TM; i++) {
    rows[i] = (g * params.M + min(m0 + i, params.M - 1u)) * P;
  }
  let W = i32(params.W);

  var acc = array<vec4<f32>, TM * TN4>();
  var n = r0 / P;
  var p = r0 % P;
  var oh = p / params.WO;
  var ow = p % params.WO;
  for (var r = r0; r < r1; r++) {
    let image = n * Cx * HW;
    let ihBase = i32(oh * params.SH);
    let iwBase = i32(ow * params.SW);
    var xv = array<vec4<f32>, TN4>();
    for (var j = 0u; j < TN4; j++) {
      let ih = offH[j] + ihBase;
      let iw = offW[j] + iwBase;
      // Negative coordinates wrap to large unsigned values, so one comparison per axis.
      let ok = (vec4<u32>(ih) < vec4<u32>(params.H)) & (vec4<u32>(iw) < vec4<u32>(params.W));
      let at = select(vec4<u32>(0u), vec4<u32>(image) + chan[j] + vec4<u32>(ih * W + iw), ok);
      xv[j] = select(vec4<f32>(0.0), vec4<f32>(x[at.x], x[at.y], x[at.z], x[at.w]), ok);
    }
    let dyImage = n * My * P + p;
    for (var i = 0u; i < TM; i++) {
      let d = vec4<f32>(dy[dyImage + rows[i]]);
      for (var j = 0u; j < TN4; j++) {
        acc[i * TN4 + j] = fma(d, xv[j], acc[i * TN4 + j]);
      }
    }
    // Next pixel: advance (ow, oh, n) like an odometer.
    p++;
    ow++;
    if (ow == params.WO) {
      ow = 0u;
      oh++;
      if (p == P) {
        p = 0u;
        oh = 0u;
        n++;
      }
    }
  }

  let out = z * My * Q;
  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
    if (m >= params.M) {
      break;
    }
    for (var j = 0u; j < TN4; j++) {
      for (var l = 0u; l < 4u; l++) {
        let q = q0 + 4u * j + l;
        if (q < Q) {
          part[out + (g * params.M + m) * Q + q] = acc[i * TN4 + j][l];
        }
      }
    }
  }
}
