// Patch pooling (shaders/patch_pool*.wgsl): bindings and dispatch sizes, one invocation per patch.
import { Storage } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';
import { checkLoopBudget } from './loop-budget.ts';

/** D values per patch, and the CellGrid (patch_cell.wgsl reads gh, gw, cell, h, w). */
const GRID_PARAMS = { d: 'u32', h: 'u32', w: 'u32', gh: 'u32', gw: 'u32', cell: 'u32' } as const;
/** One item per patch p: x [B, D, h, w] → out [P, D] unit rows, norms [P]. */
const PATCH_POOL = shader('patch_pool', { reads: { x: 'f32' }, writes: { out: 'f32', norms: 'f32' }, params: GRID_PARAMS, perItem: true });
/** One item per patch p: grad and unit [P, D], norms [P] → dx [B, D, h, w]. */
const PATCH_POOL_BACKWARD = shader('patch_pool_backward', { reads: { grad: 'f32', unit: 'f32', norms: 'f32' }, writes: { dx: 'f32' }, params: GRID_PARAMS, perItem: true });

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

function geometry(g: CellGrid, d: number) {
  checkLoopBudget('patch pooling', poolIterations(g, d), `D = ${d} with ${g.cell}×${g.cell} cells`);
  return { d, h: g.h, w: g.w, gh: g.gh, gw: g.gw, cell: g.cell };
}

/** Unit mean embedding per patch [P, D] and the norms of the means [P], from x [B, D, h, w]. */
export function patchPoolKernel(x: Storage, g: CellGrid): { unit: Storage; norms: Storage } {
  const d = x.shape[1]!;
  const unit = Storage.empty([patchesOf(g), d]);
  const norms = Storage.empty([patchesOf(g)]);
  launch({
    op: 'patchPool',
    kernel: declaredKernel(PATCH_POOL, 'patchPool', { WG: 64 }),
    reads: { x },
    writes: { out: unit, norms },
    params: geometry(g, d),
    items: patchesOf(g),
  });
  return { unit, norms };
}

/** The gradient of patchPoolKernel's unit rows with respect to x. */
export function patchPoolBackwardKernel(grad: Storage, unit: Storage, norms: Storage, g: CellGrid, xShape: readonly number[]): Storage {
  const dx = Storage.empty(xShape);
  launch({
    op: 'patchPool-grad',
    kernel: declaredKernel(PATCH_POOL_BACKWARD, 'patchPool-grad', { WG: 64 }),
    reads: { grad, unit, norms },
    writes: { dx },
    params: geometry(g, xShape[1]!),
    items: patchesOf(g),
  });
  return dx;
}
