// Fused supervised contrastive loss, backward pass (docs/method.md §6), scaled by the upstream
// gradient g of L_con:
//
//   dL/dz_k = (1/τ) Σ_j (w_k p_kj + w_j p_jk) z_j  −  (1 / (τ (n_c − 1))) (w_k (S_c − z_k) + W_c − w_k z_k)
//   p_ij = exp(s_ij − LSE_i)   (0 where i = j or either row is ignored: an ignored row gets dz = 0)
//
// with w_k the anchor weight (1/M for each of M kept anchors by default; 0 for rows that are not
// kept anchors), c the class of k, S_c and W_c = Σ_{i ∈ c} w_i z_i the plain and weighted class
// sums, and the second term only for kept anchors (pos_scale_k = 1/(n_c − 1)); with equal weights
// it is 2 w_k/(τ (n_c − 1)) (S_c − z_k). LSE comes from the forward pass; s is
// recomputed tile by tile. Because s is symmetric, p_kj and p_jk both come from the one s_kj: a
// single pass over row blocks k (TM rows per invocation) streaming every column tile j (TN rows)
// accumulates both terms into dz_k, which only this invocation writes — no second pass over
// columns and no atomics, so the same input gives the same bits. Exponents are clamped at 0
// (p ≤ 1), so a row whose weight is 0 never contributes an overflow.
// Columns come in chunks [col_begin, col_end), one dispatch each (see the forward kernel): between
// chunks dz holds the running sum Σ_j (w_k p_kj + w_j p_jk) z_j; the last chunk finishes dz_k.
// SHARED: the column tile is staged in workgroup memory (tilings for GPUs); see the forward kernel.
// Every function-scope `var` is declared with its initial value: the WGSL→SPIR-V path (Vulkan,
// SwiftShader) zeroes a loop-local `var x: T;` once per invocation, not on each iteration.
// Interface: BACKWARD in src/kernels/contrastive.ts.

//! include contrastive_tile

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let n = params.n;
  let first = (flat_workgroup(wid, nwg) * WG + lid) * TM;
  var row = array<u32, TM>();
  var w_row = array<f32, TM>();
  var lse_row = array<f32, TM>();
  var labelled_row = array<bool, TM>();
  for (var t = 0u; t < TM; t++) {
    row[t] = min(first + t, n - 1u);
    w_row[t] = rows[row[t]].weight;
    lse_row[t] = lse[row[t]];
    labelled_row[t] = rows[row[t]].class_id >= 0;
  }
  // acc[t · D4 + k] = Σ_j (w_k p_kj + w_j p_jk) z_j for row k = row[t], k-th vec4
  var acc = array<vec4<f32>, TM * D4>();
  if (params.col_begin > 0u) {
    for (var e = 0u; e < TM * D4; e++) {
      acc[e] = dz[row[e / D4] * D4 + e % D4];
    }
  }
  for (var j0 = params.col_begin; j0 < params.col_end; j0 += TN) {
    stage_tile(j0, lid);
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
    // coef[t · TN4 + q] = w_k p_kj + w_j p_jk for the four columns j of group q
    var coef = array<vec4<f32>, TM * TN4>();
    for (var q = 0u; q < TN4; q++) {
      let j = vec4<u32>(j0 + 4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
      let jc = min(j, vec4<u32>(n - 1u));
      let info = array<RowInfo, 4>(rows[jc.x], rows[jc.y], rows[jc.z], rows[jc.w]);
      let w_col = vec4<f32>(info[0].weight, info[1].weight, info[2].weight, info[3].weight);
      let lse_col = vec4<f32>(lse[jc.x], lse[jc.y], lse[jc.z], lse[jc.w]);
      let labelled = vec4<i32>(info[0].class_id, info[1].class_id, info[2].class_id, info[3].class_id) >= vec4<i32>(0);
      let valid = labelled & (j < vec4<u32>(n));
      for (var t = 0u; t < TM; t++) {
        let v = s[t * TN4 + q] * params.inv_tau;
        let p_kj = exp(min(v - vec4<f32>(lse_row[t]), vec4<f32>(0.0)));
        let p_jk = exp(min(v - lse_col, vec4<f32>(0.0)));
        let both = w_row[t] * p_kj + w_col * p_jk;
        coef[t * TN4 + q] = select(vec4<f32>(0.0), both, valid & (j != vec4<u32>(row[t])) & vec4<bool>(labelled_row[t]));
      }
    }
    for (var k = 0u; k < D4; k++) {
      var zj = array<mat4x4<f32>, TN4>();
      for (var q = 0u; q < TN4; q++) {
        zj[q] = mat4x4<f32>(column(j0, 4u * q, k), column(j0, 4u * q + 1u, k),
                            column(j0, 4u * q + 2u, k), column(j0, 4u * q + 3u, k));
      }
      for (var t = 0u; t < TM; t++) {
        var a = acc[t * D4 + k];
        for (var q = 0u; q < TN4; q++) {
          a += zj[q] * coef[t * TN4 + q];
        }
        acc[t * D4 + k] = a;
      }
    }
  }
  let g = grad_out[0] * params.inv_tau;
  for (var t = 0u; t < TM; t++) {
    let i = first + t;
    if (i >= n) {
      break;
    }
    if (params.col_end < n) {
      for (var k = 0u; k < D4; k++) {
        dz[i * D4 + k] = acc[t * D4 + k];
      }
      continue;
    }
    let info = rows[i];
    // rows of a kept class: (w_k (S_c − z_k) + W_c − w_k z_k) / |P_k| from the positive terms
    // (pos_scale is 0 for every other row)
    let c = u32(max(info.class_id, 0));
    for (var k = 0u; k < D4; k++) {
      let zi = z[i * D4 + k];
      let pos = info.weight * (class_sums[c * D4 + k] - 2.0 * zi) + weighted_sums[c * D4 + k];
      dz[i * D4 + k] = g * (acc[t * D4 + k] - info.pos_scale * pos);
    }
  }
}
