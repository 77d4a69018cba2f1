// Which patches a batch has (docs/method.md §3): the cells of patchSize px over B inputs of H × W
// pixels, pooled from the branch maps [B, D, H/s, W/s] at the embedding stride s. The one grid of
// training (step.ts) and of evaluation (src/ncl/diagnostics/separation.ts).
import { patchGrid, type PatchGrid } from '../ops/patch-pool.ts';
import { EMBEDDING_STRIDE } from './model/config.ts';

export function inputPatchGrid(batch: number, embedDim: number, [height, width]: readonly [number, number], patchSize: number): PatchGrid {
  return patchGrid([batch, embedDim, height / EMBEDDING_STRIDE, width / EMBEDDING_STRIDE], [height, width], patchSize);
}
