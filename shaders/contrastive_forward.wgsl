// Fused supervised contrastive loss, forward pass (docs/method.md §5 and §6).
//
//   s_ij  = z_i · z_j / τ
//   LSE_i = log Σ_{j ≠ i, y_j ≠ −1} exp(s_ij)
//   ℓ_i   = LSE_i − z_i · (S_{y_i} − z_i) / (τ |P_i|)      (§5 identity: positives via class sums)
//   lse[i] = LSE_i                 the only values the backward pass keeps (N floats)
//   row_loss[i] = w_i ℓ_i          w_i = 1/M for kept anchors, 0 otherwise; Σ_i row_loss[i] = L_con
//
// LSE_i is computed online, as flash attention does: each invocation owns TM anchor rows and
// streams every column tile (TN rows of z); per tile it computes the TM×TN block of z_i · z_j in
// registers (vec4 reads along D, which the caller padded to a multiple of 4), then folds the block
// into a running maximum m_i and a running sum l_i = Σ exp(s_ij − m_i). The N×N matrix never exists.
// Masked pairs (j = i, y_j = −1, j ≥ N) take the large finite MASKED value, never −inf.
// Columns come in chunks [col_begin, col_end), one dispatch each (CPU adapters stop an invocation's
// loops after 65535 iterations in all, see src/kernels/loop-budget.ts): between chunks lse[i] holds
// the running maximum m_i and run_sum[i] the running sum l_i; the last chunk writes LSE_i there.
// SHARED (tilings for GPUs): the column tile is staged in workgroup memory once per workgroup;
// otherwise (the CPU profile's, where barriers cost more than the reuse buys) each invocation
// reads it. The GPU profile's default is the flash-style pair (contrastive_flash_*.wgsl).
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: FORWARD in src/kernels/contrastive.ts.

//! include contrastive_tile

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let n = params.n;
  let first = (flat_workgroup(wid, nwg) * WG + lid) * TM;
  var row = array<u32, TM>();
  var m = array<f32, TM>();
  var l = array<f32, TM>();
  for (var t = 0u; t < TM; t++) {
    row[t] = min(first + t, n - 1u);
    m[t] = select(lse[row[t]], MASKED, params.col_begin == 0u);
    l[t] = select(run_sum[row[t]], 0.0, params.col_begin == 0u);
  }
  for (var j0 = params.col_begin; j0 < params.col_end; j0 += TN) {
    stage_tile(j0, lid);
    // s[t · TN4 + q] = (z_{row t} · z_j for the four columns j = j0 + 4q .. j0 + 4q + 3)
    var s = array<vec4<f32>, TM * TN4>();
    for (var k = 0u; k < D4; k++) {
      var zj = array<mat4x4<f32>, TN4>();
      for (var q = 0u; q < TN4; q++) {
        zj[q] = mat4x4<f32>(column(j0, 4u * q, k), column(j0, 4u * q + 1u, k),
                            column(j0, 4u * q + 2u, k), column(j0, 4u * q + 3u, k));
      }
      for (var t = 0u; t < TM; t++) {
        let zi = z[row[t] * D4 + k];
        for (var q = 0u; q < TN4; q++) {
          s[t * TN4 + q] += zi * zj[q];
        }
      }
    }
    var valid = array<vec4<bool>, TN4>();
    for (var q = 0u; q < TN4; q++) {
      let j = vec4<u32>(j0 + 4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
      let jc = min(j, vec4<u32>(n - 1u));
      let labelled = vec4<i32>(rows[jc.x].class_id, rows[jc.y].class_id, rows[jc.z].class_id, rows[jc.w].class_id) >= vec4<i32>(0);
      valid[q] = labelled & (j < vec4<u32>(n));
    }
    for (var t = 0u; t < TM; t++) {
      var v = array<vec4<f32>, TN4>();
      var tile_max = MASKED;
      for (var q = 0u; q < TN4; q++) {
        let j = vec4<u32>(j0 + 4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
        v[q] = select(vec4<f32>(MASKED), s[t * TN4 + q] * params.inv_tau, valid[q] & (j != vec4<u32>(row[t])));
        tile_max = max(tile_max, max(max(v[q].x, v[q].y), max(v[q].z, v[q].w)));
      }
      let m_new = max(m[t], tile_max);
      var sum = l[t] * exp(m[t] - m_new);
      for (var q = 0u; q < TN4; q++) {
        let e = exp(v[q] - vec4<f32>(m_new));
        sum += (e.x + e.y) + (e.z + e.w);
      }
      m[t] = m_new;
      l[t] = sum;
    }
  }
  for (var t = 0u; t < TM; t++) {
    let i = first + t;
    if (i >= n) {
      break;
    }
    run_sum[i] = l[t];
    if (params.col_end < n) {
      lse[i] = m[t];
      row_loss[i] = 0.0;
      continue;
    }
    let info = rows[i];
    let lse_i = m[t] + log(l[t]);
    lse[i] = lse_i;
    var loss = 0.0;
    if (info.weight > 0.0) {
      let c = u32(info.class_id);
      var pos = 0.0;
      for (var k = 0u; k < D4; k++) {
        let zi = z[i * D4 + k];
        pos += dot(zi, class_sums[c * D4 + k] - zi);
      }
      loss = info.weight * (lse_i - info.pos_scale * params.inv_tau * pos);
    }
    row_loss[i] = loss;
  }
}
