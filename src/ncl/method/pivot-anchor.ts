// The anchors of L_pc held to the pivot (docs/method.md §5, eq. 5.7b, ours): for each sampled patch,
// the pivot's own feature pooled over the patch (unit f̄_i, C values), projected to the embedding
// dimension by a fixed random matrix R (D × C, entries N(0, 1/C)) and made unit: q_i = unit(R f̄_i).
// Computed without a graph, so no gradient flows back into the pivot through the anchor (the
// stop-gradient of the reading), and R is never trained: a random projection keeps the angles
// between patches' features roughly as they are (Johnson–Lindenstrauss), so a head held to q may
// reshape the pivot's view only as far as λ_pc lets it. R depends on C and D alone, so a resumed or
// repeated run meets the same R.
import { gatherRows, type RowIndex } from '../../autograd/ops/gather.ts';
import { matmul } from '../../autograd/ops/matmul.ts';
import { l2Normalize } from '../../autograd/ops/softmax.ts';
import { noGrad } from '../../autograd/scope.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { Rng } from '../../common/rng.ts';
import { poolPatchEmbeddings, type PatchGrid } from '../ops/patch-pool.ts';

const PROJECTION_STREAM = 0x9c07;

/** R as a [C, D] matrix (rows: pivot channels), the same values for the same C and D. */
export function anchorProjection(channels: number, embedDim: number): Float32Array {
  const rng = Rng.fromSeed(PROJECTION_STREAM, channels, embedDim);
  return Float32Array.from({ length: channels * embedDim }, () => rng.normal() / Math.sqrt(channels));
}

/** q [N, D]: the anchors of the sampled patches `index` of a pivot [B, C, h, w]; no gradient. */
export function pivotAnchors(pivot: Tensor, grid: PatchGrid, index: RowIndex, embedDim: number): Tensor {
  const channels = pivot.shape[1]!;
  return noGrad(() => {
    const features = gatherRows(poolPatchEmbeddings(pivot, grid), index);
    return l2Normalize(matmul(features, Tensor.fromArray(anchorProjection(channels, embedDim), [channels, embedDim])), 1);
  });
}
