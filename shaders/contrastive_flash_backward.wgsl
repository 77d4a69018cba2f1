// Fused supervised contrastive loss, backward pass, flash-style (docs/method.md §6), scaled by the
// upstream gradient g of L_con: one column split's part of
//
//   dL/dz_k = (1/τ) Σ_j (w_k p_kj + w_j p_jk) z_j  −  (1 / (τ (n_c − 1))) (w_k (S_c − z_k) + W_c − w_k z_k)   (6.2)
//   p_ij = exp(s_ij − LSE_i)   (0 where i = j or either row is ignored: an ignored row gets dz = 0)
//
// for the anchor rows k of one row block. Workgroup g takes row block g mod row_blocks and column
// split first_split + g / row_blocks, whose part of dz is part g / row_blocks of part_dz. Per column
// tile the similarity block is recomputed (contrastive_flash_tile; s is symmetric, so p_kj and
// p_jk both come from the one s_kj), each invocation turns its RM×RN block into the coefficients
// w_k p_kj + w_j p_jk in workgroup memory, and then adds coef · (column tile) to its share of dz
// for the block: rows ty + TY·r and vec4s tx + TX·v of D, in registers across the tiles. Split 0
// also adds the second term of (6.2) (pos_scale_k = 1/(n_c − 1) for kept anchors, 0 otherwise).
// The parts are then summed in split order (contrastive-flash.ts): no N×N storage, no atomics,
// the same bits on every run.
// Exponents are clamped at 0 (p ≤ 1), so a row whose weight is 0 never contributes an overflow.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: BACKWARD in src/kernels/contrastive-flash.ts.

//! include contrastive_flash_tile

const DV: u32 = (D4 + TX - 1u) / TX;   // vec4s of D per invocation's share of a dz row
// coef[m · CT + c] = w_k p_kj + w_j p_jk for anchor row k = i0 + m and column j = j0 + c.
var<workgroup> coef: array<f32, BM * CT>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = flat_workgroup(wid, nwg);
  if (g >= params.row_blocks * params.splits) {
    return;
  }
  let n = params.n;
  let i0 = (g % params.row_blocks) * BM;
  let part = g / params.row_blocks;
  let split = params.first_split + part;
  let col_begin = split * params.split_cols;
  let col_end = min(n, col_begin + params.split_cols);
  let tx = lid % TX;
  let ty = lid / TX;
  var w_row = array<f32, RM>();
  var lse_row = array<f32, RM>();
  var labelled_row = array<bool, RM>();
  for (var r = 0u; r < RM; r++) {
    let i = min(i0 + ty + TY * r, n - 1u);
    w_row[r] = rows[i].weight;
    lse_row[r] = lse[i];
    labelled_row[r] = rows[i].class_id >= 0;
  }
  // acc[r · DV + v] = Σ_j (w_k p_kj + w_j p_jk) z_j, vec4 tx + TX·v, for row k = i0 + ty + TY·r
  var acc = array<vec4<f32>, RM * DV>();
  for (var j0 = col_begin; j0 < col_end; j0 += BN) {
    stage_columns(j0, lid);
    let s = tile_products(i0, lid);
    for (var q = 0u; q < RN; q++) {
      let j = j0 + tx + TX * q;
      let info = rows[min(j, n - 1u)];
      let lse_col = lse[min(j, n - 1u)];
      let valid = j < col_end && info.class_id >= 0;
      for (var r = 0u; r < RM; r++) {
        let v = s[r * RN + q] * params.inv_tau;
        let p_kj = exp(min(v - lse_row[r], 0.0));
        let p_jk = exp(min(v - lse_col, 0.0));
        let both = w_row[r] * p_kj + info.weight * p_jk;
        let pair = valid && labelled_row[r] && j != i0 + ty + TY * r;
        coef[(ty + TY * r) * CT + tx + TX * q] = select(0.0, both, pair);
      }
    }
    workgroupBarrier();
    for (var c = 0u; c < BN; c++) {
      var b = array<vec4<f32>, DV>();
      for (var v = 0u; v < DV; v++) {
        b[v] = col_tile[min(tx + TX * v, D4 - 1u) * CT + c];
      }
      for (var r = 0u; r < RM; r++) {
        let p = coef[(ty + TY * r) * CT + c];
        for (var v = 0u; v < DV; v++) {
          acc[r * DV + v] += p * b[v];
        }
      }
    }
  }
  let scale = grad_out[0] * params.inv_tau;
  for (var r = 0u; r < RM; r++) {
    let i = i0 + ty + TY * r;
    if (i >= n) {
      break;
    }
    let info = rows[i];
    // rows of a kept class, split 0 only: (w_k (S_c − z_k) + W_c − w_k z_k) / |P_k| from the
    // positive terms (pos_scale is 0 for every other row)
    let pos_scale = select(0.0, info.pos_scale, split == 0u);
    let c = u32(max(info.class_id, 0));
    for (var v = 0u; v < DV; v++) {
      let k = tx + TX * v;
      if (k < D4) {
        let zi = z[i * D4 + k];
        let pos = info.weight * (class_sums[c * D4 + k] - 2.0 * zi) + weighted_sums[c * D4 + k];
        part_dz[(part * n + i) * D4 + k] = scale * (acc[r * DV + v] - pos_scale * pos);
      }
    }
  }
}
