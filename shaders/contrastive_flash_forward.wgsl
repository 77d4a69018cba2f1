// Fused supervised contrastive loss, forward pass, flash-style (docs/method.md §6): the partial
// log-sum-exp of every anchor row over one split of the columns.
//
//   s_ij = z_i · z_j / τ,   masked (the large finite MASKED, never −inf) where j = i, y_j = −1 or
//   j lies outside the split
//   part_max[split, i] = m_i,  part_sum[split, i] = l_i = Σ_{j in the split} exp(s_ij − m_i)
//
// Workgroup g takes row block g mod row_blocks and column split g / row_blocks (columns
// split · split_cols .. + split_cols, a multiple of BN). Per column tile (contrastive_flash_tile)
// each invocation folds its RM×RN block into a running maximum and sum per row, as flash attention
// does; at the end the TX invocations sharing a row combine theirs in order of tx, and
// contrastive_flash_finish combines the splits in order: no atomics, the same bits on every run.
// The N×N matrix never exists.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: FORWARD in src/kernels/contrastive-flash.ts.

//! include contrastive_flash_tile

// Per anchor row of the block and per tx: that invocation's running maximum and sum.
var<workgroup> red_max: array<f32, BM * TX>;
var<workgroup> red_sum: array<f32, BM * TX>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = flat_workgroup(wid, nwg);
  if (g >= params.row_blocks * params.splits) {
    return;
  }
  let n = params.n;
  let i0 = (g % params.row_blocks) * BM;
  let split = g / params.row_blocks;
  let col_begin = split * params.split_cols;
  let col_end = min(n, col_begin + params.split_cols);
  let tx = lid % TX;
  let ty = lid / TX;
  var m = array<f32, RM>();
  var l = array<f32, RM>();
  for (var r = 0u; r < RM; r++) {
    m[r] = MASKED;
  }
  for (var j0 = col_begin; j0 < col_end; j0 += BN) {
    stage_columns(j0, lid);
    let s = tile_products(i0, lid);
    var valid = array<bool, RN>();
    for (var q = 0u; q < RN; q++) {
      let j = j0 + tx + TX * q;
      valid[q] = j < col_end && rows[min(j, n - 1u)].class_id >= 0;
    }
    for (var r = 0u; r < RM; r++) {
      let i = i0 + ty + TY * r;
      var v = array<f32, RN>();
      var tile_max = MASKED;
      for (var q = 0u; q < RN; q++) {
        v[q] = select(MASKED, s[r * RN + q] * params.inv_tau, valid[q] && j0 + tx + TX * q != i);
        tile_max = max(tile_max, v[q]);
      }
      let m_new = max(m[r], tile_max);
      var sum = l[r] * exp(m[r] - m_new);
      for (var q = 0u; q < RN; q++) {
        sum += exp(v[q] - m_new);
      }
      m[r] = m_new;
      l[r] = sum;
    }
  }
  for (var r = 0u; r < RM; r++) {
    red_max[(ty + TY * r) * TX + tx] = m[r];
    red_sum[(ty + TY * r) * TX + tx] = l[r];
  }
  workgroupBarrier();
  // Invocation lid < BM combines row i0 + lid: max over tx, then Σ l_tx exp(m_tx − max), in order.
  let i = i0 + lid;
  if (lid < BM && i < n) {
    var row_max = MASKED;
    for (var t = 0u; t < TX; t++) {
      row_max = max(row_max, red_max[lid * TX + t]);
    }
    var row_sum = 0.0;
    for (var t = 0u; t < TX; t++) {
      row_sum += red_sum[lid * TX + t] * exp(red_max[lid * TX + t] - row_max);
    }
    part_max[split * n + i] = row_max;
    part_sum[split * n + i] = row_sum;
  }
}
