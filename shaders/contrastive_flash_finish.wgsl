// Fused supervised contrastive loss, end of the flash-style forward pass (docs/method.md §6): per
// row i, the partial maxima and sums of the column splits (contrastive_flash_forward) combined in
// split order, then the loss of the row.
//
//   m_i = max_s part_max[s, i],   LSE_i = m_i + log Σ_s part_sum[s, i] exp(part_max[s, i] − m_i)
//   lse[i] = LSE_i                 the only values the backward pass keeps (N floats)
//   row_loss[i] = w_i ℓ_i,  ℓ_i = LSE_i − z_i · (S_{y_i} − z_i) / (τ |P_i|)      (6.1)
//
// w_i is 0 for rows that are not kept anchors, so Σ_i row_loss[i] = L_con.
struct RowInfo { class_id: i32, weight: f32, pos_scale: f32, unused: f32 }
@group(0) @binding(0) var<storage, read> z: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> rows: array<RowInfo>;
@group(0) @binding(2) var<storage, read> class_sums: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> part_max: array<f32>;
@group(0) @binding(4) var<storage, read> part_sum: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<storage, read_write> row_loss: array<f32>;
struct Params { n: u32, inv_tau: f32, splits: u32, d4: u32 }
@group(0) @binding(7) var<uniform> params: Params;

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let n = params.n;
  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (i >= n) {
    return;
  }
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
