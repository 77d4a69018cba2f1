// Fused supervised contrastive loss, end of the flash-style forward pass (docs/method.md §6): per
// row i, the partial maxima and sums of the column splits (contrastive_flash_forward) combined in
// split order, then the loss of the row.
//
//   m_i = max_s part_max[s, i],   LSE_i = m_i + log Σ_s part_sum[s, i] exp(part_max[s, i] − m_i)
//   lse[i] = LSE_i                 the only values the backward pass keeps (N floats)
//   row_loss[i] = w_i ℓ_i,  ℓ_i = LSE_i − z_i · (S_{y_i} − z_i) / (τ |P_i|)      (6.1)
//
// w_i is 0 for rows that are not kept anchors, so Σ_i row_loss[i] = L_con.
// Interface: FINISH in src/kernels/contrastive-flash.ts.

fn item(i: u32) {
  let n = params.n;
  var m = -1.0e30;
  for (var s = 0u; s < params.splits; s++) {
    m = max(m, part_max[s * n + i]);
  }
  var l = 0.0;
  for (var s = 0u; s < params.splits; s++) {
    l += part_sum[s * n + i] * exp(part_max[s * n + i] - m);
  }
  let lse_i = m + log(l);
  lse[i] = lse_i;
  let info = rows[i];
  var loss = 0.0;
  if (info.weight > 0.0) {
    let c = u32(info.class_id);
    var pos = 0.0;
    for (var k = 0u; k < params.d4; k++) {
      let zi = z[i * params.d4 + k];
      pos += dot(zi, class_sums[c * params.d4 + k] - zi);
    }
    loss = info.weight * (lse_i - info.pos_scale * params.inv_tau * pos);
  }
  row_loss[i] = loss;
}
