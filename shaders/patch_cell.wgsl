// The cell of patch p, shared by the patch pooling kernels (included; their params hold gh, gw, cell, h, w):
// p = (b·gh + gy)·gw + gx covers rows [y0, y1) × columns [x0, x1) of image b of the h×w map, with
// y0 = gy·cell, x0 = gx·cell; border cells stop at the map's edge and are partial.
struct PatchCell { b: u32, y0: u32, x0: u32, y1: u32, x1: u32 }

fn patch_cell(p: u32) -> PatchCell {
  let y0 = ((p / params.gw) % params.gh) * params.cell;
  let x0 = (p % params.gw) * params.cell;
  return PatchCell(p / (params.gw * params.gh), y0, x0, min(params.h, y0 + params.cell), min(params.w, x0 + params.cell));
}

fn cell_area(c: PatchCell) -> f32 {
  return f32((c.y1 - c.y0) * (c.x1 - c.x0));
}
