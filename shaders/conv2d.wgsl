// Direct 2-D convolution as an implicit GEMM (patches gathered inside a register-tiled product).
// One kernel serves the forward pass and the input gradient (see src/kernels/conv.ts):
//
//   Y[n, g·M + m, gy·OSH + ORH, gx·OSW + ORW]
//     = Σ_{th < TH} Σ_{tw < TW} Σ_{c < C}  Wt(g, m, c, th, tw) · X[n, g·C + c, ih, iw]
//   with ih = gy·SH + OFFH + th·DH,  iw = gx·SW + OFFW + tw·DW   (X read as 0 outside [0,HX)×[0,WX)),
//   for every grid point (gy, gx) in [0, HG) × [0, WG) and group g. The weights Wt come packed by
//   conv2d_pack.wgsl: wp[((g·TAPS + th·TW + tw)·C + c)·MP/4 + m/4][m % 4], rows padded to MP.
//
// Forward: X = input, taps th = kh with DH = dilation, OFFH = −padding, SH = stride, OSH = 1.
// Input gradient (transposed convolution): X = output gradient, one dispatch per residue class
// of the input pixels modulo the stride, with only the taps that reach that class (no zero taps).
//
// Register tiling, no workgroup memory or barriers (the variant for CPU adapters): an invocation
// computes TM rows m (TM a multiple of 4, read as vec4s of packed weights) × 4·TN4 consecutive
// grid points (flattened gy·WG + gx) as vec4 columns. Rows and points past the end are clamped
// on read and not written.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: CONV2D_INTERFACE in src/kernels/conv.ts.

const TM: u32 = {{TM}}u;   // a multiple of 4
const TM4: u32 = TM / 4u;
const TN4: u32 = {{TN4}}u;

@compute @workgroup_size({{WGX}}, {{WGY}}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let P = params.HG * params.WG;
  let p0 = gid.x * TN4 * 4u;
  let m0 = gid.y * TM;
  if (p0 >= P || m0 >= params.M) {
    return;
  }
  let n = gid.z / params.groups;
  let g = gid.z % params.groups;

  // Top-left tap of each grid point in X, as vec4 columns.
  var baseH = array<vec4<i32>, TN4>();
  var baseW = array<vec4<i32>, TN4>();
  for (var j = 0u; j < TN4; j++) {
    let q = min(vec4<u32>(p0 + 4u * j) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(P - 1u));
    baseH[j] = vec4<i32>((q / params.WG) * params.SH) + params.OFFH;
    baseW[j] = vec4<i32>((q % params.WG) * params.SW) + params.OFFW;
  }
  let MP4 = params.MP / 4u;
  // Rows past MP (only in a tile that overhangs M) read the last packed vec4; they are not written.
  var wCol = array<u32, TM4>();
  for (var i = 0u; i < TM4; i++) {
    wCol[i] = min(m0 / 4u + i, MP4 - 1u);
  }
  let WX = i32(params.WX);

  // Taps outside, channels inside: a tap fixes which grid points read inside X and where, so
  // the long inner loop over channels only steps every address by one channel plane.
  var acc = array<vec4<f32>, TM * TN4>();
  let planeSize = params.HX * params.WX;
  let image = (n * params.groups + g) * params.C * planeSize;
  for (var th = 0u; th < params.TH; th++) {
    for (var tw = 0u; tw < params.TW; tw++) {
      var ok = array<vec4<bool>, TN4>();
      var at = array<vec4<u32>, TN4>();
      for (var j = 0u; j < TN4; j++) {
        let ih = baseH[j] + i32(th) * params.DH;
        let iw = baseW[j] + i32(tw) * params.DW;
        // Negative coordinates wrap to large unsigned values, so one comparison per axis.
        ok[j] = (vec4<u32>(ih) < vec4<u32>(params.HX)) & (vec4<u32>(iw) < vec4<u32>(params.WX));
        at[j] = select(vec4<u32>(0u), vec4<u32>(image) + vec4<u32>(ih * WX + iw), ok[j]);
      }
      var wOff = ((g * params.TH + th) * params.TW + tw) * params.C * MP4;
      for (var c = 0u; c < params.C; c++) {
        var xv = array<vec4<f32>, TN4>();
        for (var j = 0u; j < TN4; j++) {
          let a = at[j];
          xv[j] = select(vec4<f32>(0.0), vec4<f32>(x[a.x], x[a.y], x[a.z], x[a.w]), ok[j]);
          at[j] = a + vec4<u32>(planeSize);
        }
        for (var i4 = 0u; i4 < TM4; i4++) {
          let w4 = wp[wOff + wCol[i4]];
          for (var l = 0u; l < 4u; l++) {
            let wv = vec4<f32>(w4[l]);
            for (var j = 0u; j < TN4; j++) {
              acc[(4u * i4 + l) * TN4 + j] = fma(wv, xv[j], acc[(4u * i4 + l) * TN4 + j]);
            }
          }
        }
        wOff += MP4;
      }
    }
  }

  // Where each grid point lands in its output plane (computed once, not once per row).
  var outAt = array<vec4<u32>, TN4>();
  for (var j = 0u; j < TN4; j++) {
    let q = vec4<u32>(p0 + 4u * j) + vec4<u32>(0u, 1u, 2u, 3u);
    outAt[j] = ((q / params.WG) * params.OSH + params.ORH) * params.WY + (q % params.WG) * params.OSW + params.ORW;
  }
  let MY = params.groups * params.M;
  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
    if (m >= params.M) {
      break;
    }
    let rowBase = (n * MY + g * params.M + m) * params.HY * params.WY;
    for (var j = 0u; j < TN4; j++) {
      for (var l = 0u; l < 4u; l++) {
        if (p0 + 4u * j + l < P) {
          y[rowBase + outAt[j][l]] = acc[i * TN4 + j][l];
        }
      }
    }
  }
}
