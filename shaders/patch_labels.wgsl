// Patch labels (docs/method.md §3): for each patch p = (b, gy, gx) of p×p-pixel cells of the mask
// m [B, 1, H, W] (1 = tampered; soft values allowed),
//   ratio[p] = r = (1/|cell|) Σ_{(y, x) ∈ cell} m[b, 0, y, x]
//   kind[p]  = 0 (authentic) if r ≤ ε,  1 (tampered) if r ≥ 1 − ε,  2 (contour) otherwise
// The comparisons use the sum against ε·|cell| and (1 − ε)·|cell|, so with ε = 0 a cell is
// authentic or tampered only when every pixel is. Border cells are partial, as in patch_pool.wgsl.
@group(0) @binding(0) var<storage, read> mask: array<f32>;
@group(0) @binding(1) var<storage, read_write> ratio: array<f32>;
@group(0) @binding(2) var<storage, read_write> kind: array<u32>;
struct Params { patches: u32, h: u32, w: u32, gh: u32, gw: u32, cell: u32, epsilon: f32 }
@group(0) @binding(3) var<uniform> params: Params;

//! include patch_cell

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let p = flat_workgroup(wid, nwg) * {{WG}}u + lid;
  if (p >= params.patches) {
    return;
  }
  let cell = patch_cell(p);
  var sum = 0.0;
  for (var y = cell.y0; y < cell.y1; y++) {
    for (var xi = cell.x0; xi < cell.x1; xi++) {
      sum += mask[(cell.b * params.h + y) * params.w + xi];
    }
  }
  let area = cell_area(cell);
  ratio[p] = sum / area;
  kind[p] = select(select(2u, 1u, sum >= (1.0 - params.epsilon) * area), 0u, sum <= params.epsilon * area);
}
