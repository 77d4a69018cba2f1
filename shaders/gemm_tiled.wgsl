// The skeleton of the workgroup-tiled GEMMs (matmul_shared, conv2d_shared, conv2d_wgrad_shared;
// included): C[row, col] = Σ_k A[row, k] · B[k, col] over one workgroup's range of the reduction,
// for products whose operands are read where they lie (an implicit-GEMM convolution gathers its
// patches while staging them). A workgroup of WGX×WGY invocations computes a BM×BN block of C
// (BM = 4·TM4·WGY, BN = 4·TN4·WGX), staging BK-deep slices of A and B in workgroup memory so that
// each value read from memory serves a whole row or column of the block. The tiles hold vec4s:
// tileA[buf][k][row group] 4 rows of A at one k, tileB[buf][k][column group] 4 columns of B.
// An invocation holds TM4×TN4 groups of 4×4 outputs in registers: row groups lid.y + i·WGY and
// column groups lid.x + j·WGX (interleaved, so neighbouring invocations read neighbouring tile
// entries). NBUF = 2 double-buffers the tiles: the slice after the current one is staged into the
// other buffer while the current one is multiplied, one barrier per slice instead of two.
//
// The including kernel supplies its reads and writes as hooks, functions of fixed names (WGSL
// has no function pointers; module-scope declarations may come in any order):
//   ROW_A, ROW_B   its tile rows in vec4s: BM4 and BN4, or padded against bank conflicts
//   struct Block   what its hooks need of the workgroup and the invocation, computed once
//   fn stage(blk: Block, buf: u32, k: u32, tid: u32)
//                  stages the slice of A and B that begins k steps into the workgroup's reduction
//                  into tile buffer buf, zeros past the reduction's end (tid: the invocation's
//                  index in the workgroup)
//   fn row_at(blk: Block, row: u32) -> u32, fn col_at(blk: Block, col: u32) -> u32
//                  the output element of C[row, col] is row_at + col_at (rows and columns of C)
//   fn store(at: u32, v: f32)
//                  writes one output (scaled, into a partial sum, at a convolution's pixel)
// and its entry point calls gemm() with its Block, the length of its reduction and the extent of C.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
const TM4: u32 = {{TM4}}u;
const TN4: u32 = {{TN4}}u;
const WGX: u32 = {{WGX}}u;
const WGY: u32 = {{WGY}}u;
const NBUF: u32 = {{NBUF}}u;
const INVOCATIONS: u32 = WGX * WGY;
const BM4: u32 = WGY * TM4;   // the block's rows and columns in vec4 groups
const BN4: u32 = WGX * TN4;
const BM: u32 = 4u * BM4;
const BN: u32 = 4u * BN4;
const BK: u32 = {{BK}}u;
const BLOCK: u32 = TM4 * 4u * TN4;

var<workgroup> tileA: array<vec4<f32>, NBUF * BK * ROW_A>;   // [buf][k][row group]
var<workgroup> tileB: array<vec4<f32>, NBUF * BK * ROW_B>;   // [buf][k][column group]

// Where the register block's entries lie in the workgroup's output block: acc[(4i + l)·TN4 + j][l2]
// is row block_row(i, l) against column block_col(j, l2) (row groups lid.y + i·WGY, column groups
// lid.x + j·WGX, interleaved, as multiply_slice reads the tiles).
fn block_row(i: u32, l: u32, lid: vec3<u32>) -> u32 {
  return 4u * (lid.y + i * WGY) + l;
}

fn block_col(j: u32, l2: u32, lid: vec3<u32>) -> u32 {
  return 4u * (lid.x + j * WGX) + l2;
}

// One staged slice of BK reduction steps multiplied into the invocation's register block.
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

// The workgroup's block of C: the reduction over `len` steps in slices of BK (staged, then
// multiplied), and the write-back of the rows < rows and columns < cols it covers. Column by
// column, so that a kernel whose col_at decodes a pixel does so once per column.
fn gemm(blk: Block, len: u32, rows: u32, cols: u32, wid: vec3<u32>, lid: vec3<u32>) {
  let tid = lid.y * WGX + lid.x;
  var acc = array<vec4<f32>, BLOCK>();
  let slices = (len + BK - 1u) / BK;
  stage(blk, 0u, 0u, tid);
  workgroupBarrier();
  for (var s = 0u; s < slices; s++) {
    let buf = s % NBUF;
    if (NBUF == 2u && s + 1u < slices) {
      stage(blk, 1u - buf, (s + 1u) * BK, tid);
    }
    multiply_slice(&acc, buf, lid);
    workgroupBarrier();
    if (NBUF == 1u && s + 1u < slices) {
      stage(blk, 0u, (s + 1u) * BK, tid);
      workgroupBarrier();
    }
  }

  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  for (var j = 0u; j < TN4; j++) {
    for (var l2 = 0u; l2 < 4u; l2++) {
      let col = col0 + block_col(j, l2, lid);
      if (col >= cols) {
        continue;
      }
      let colAt = col_at(blk, col);
      for (var i = 0u; i < TM4; i++) {
        for (var l = 0u; l < 4u; l++) {
          let row = row0 + block_row(i, l, lid);
          if (row < rows) {
            store(row_at(blk, row) + colAt, acc[(4u * i + l) * TN4 + j][l2]);
          }
        }
      }
    }
  }
}
