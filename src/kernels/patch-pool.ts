// Patch pooling (shaders/patch_pool*.wgsl): bindings and dispatch sizes, one invocation per patch.
import { Storage } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { checkLoopBudget } from './loop-budget.ts';
import { uniforms } from './uniforms.ts';

/** A grid of gh×gw patches per image over a map of h×w positions, cells of cell×cell positions
 *  (the last row and column of cells may be partial). */
export interface CellGrid {
  batch: number;
  h: number;
  w: number;
  cell: number;
  gh: number;
  gw: number;
}

const patchesOf = (g: CellGrid) => g.batch * g.gh * g.gw;

/** Loop iterations of one pooling invocation (forward or backward): a pass over D, and one over
 *  D × the cell. */
function poolIterations(g: CellGrid, d: number): number {
  return d * (2 + g.cell * (1 + g.cell));
}

function geometry(g: CellGrid, d: number): ArrayBuffer {
  checkLoopBudget('patch pooling', poolIterations(g, d), `D = ${d} with ${g.cell}×${g.cell} cells`);
  return uniforms().u32(patchesOf(g), d, g.h, g.w, g.gh, g.gw, g.cell).finish();
}

/** Unit mean embedding per patch [P, D] and the norms of the means [P], from x [B, D, h, w]. */
export function patchPoolKernel(x: Storage, g: CellGrid): { unit: Storage; norms: Storage } {
  const d = x.shape[1]!;
  const unit = Storage.empty([patchesOf(g), d]);
  const norms = Storage.empty([patchesOf(g)]);
  launch({
    op: 'patchPool',
    kernel: itemKernel('patchPool', 'patch_pool', {}, 64),
    reads: [x],
    writes: [unit, norms],
    uniforms: geometry(g, d),
    items: patchesOf(g),
  });
  return { unit, norms };
}

/** The gradient of patchPoolKernel's unit rows with respect to x. */
export function patchPoolBackwardKernel(grad: Storage, unit: Storage, norms: Storage, g: CellGrid, xShape: readonly number[]): Storage {
  const dx = Storage.empty(xShape);
  launch({
    op: 'patchPool-grad',
    kernel: itemKernel('patchPool-grad', 'patch_pool_backward', {}, 64),
    reads: [grad, unit, norms],
    writes: [dx],
    uniforms: geometry(g, xShape[1]!),
    items: patchesOf(g),
  });
  return dx;
}
