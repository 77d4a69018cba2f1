// Shared by the workgroup-tiled GEMMs (matmul_shared, conv2d_shared, conv2d_wgrad_shared; included): one
// staged slice of BK reduction steps multiplied into an invocation's register block of TM4·4 rows ×
// TN4 vec4 columns. The including kernel defines TM4, TN4, WGX, WGY, BK, the tile rows ROW_A and
// ROW_B (in vec4s) and the workgroup tiles tileA [buf][k][row group] and tileB [buf][k][column group].
const BLOCK: u32 = TM4 * 4u * TN4;

// Where the register block's entries lie in the workgroup's output block: acc[(4i + l)·TN4 + j][l2]
// is row block_row(i, l) against column block_col(j, l2) (row groups lid.y + i·WGY, column groups
// lid.x + j·WGX, interleaved, as multiply_slice reads the tiles).
fn block_row(i: u32, l: u32, lid: vec3<u32>) -> u32 {
  return 4u * (lid.y + i * WGY) + l;
}

fn block_col(j: u32, l2: u32, lid: vec3<u32>) -> u32 {
  return 4u * (lid.x + j * WGX) + l2;
}

fn multiply_slice(acc: ptr<function, array<vec4<f32>, BLOCK>>, buf: u32, lid: vec3<u32>) {
  for (var k = 0u; k < BK; k++) {
    var bv = array<vec4<f32>, TN4>();
    for (var j = 0u; j < TN4; j++) {
      bv[j] = tileB[(buf * BK + k) * ROW_B + lid.x + j * WGX];
    }
    for (var i = 0u; i < TM4; i++) {
      let av = tileA[(buf * BK + k) * ROW_A + lid.y + i * WGY];
      for (var l = 0u; l < 4u; l++) {
        let a = vec4<f32>(av[l]);
        for (var j = 0u; j < TN4; j++) {
          (*acc)[(4u * i + l) * TN4 + j] = fma(a, bv[j], (*acc)[(4u * i + l) * TN4 + j]);
        }
      }
    }
  }
}
