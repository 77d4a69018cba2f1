// Patch pooling (docs/method.md §3) as one autograd op: the patch grid over an embedding map and
// the unit patch embeddings of a branch map. Which patches exist and what kind each is are the
// method's (src/ncl/method/patch-grid.ts, patch-labels.ts).
//
// A patch is a p×p-pixel cell of the input image, i.e. a (p/s)×(p/s) cell of an embedding map at
// stride s (s = H/h; the NCL pivot has s = 4, so the default p = 16 is a 4×4 cell). Its embedding
// is the mean of the branch map over the cell, L2-normalised.
// Rows are ordered image by image, then cells row-major: p = (b·rows + gy)·cols + gx.
//
// Border rule: when a side is not a multiple of the patch size, the last cell of that row or
// column is partial and is kept; its embedding averages over the part inside the image.
//
// Pooling and normalisation are one kernel each way (shaders/patch_pool*.wgsl): measured against
// the same composed of engine ops (reshape, mean, permute, l2Normalize) in bench/RESULTS.md.
import { defineOp } from '../../autograd/registry.ts';
import { Tensor, formatShape, type Shape } from '../../autograd/tensor.ts';
import { patchPoolBackwardKernel, patchPoolKernel, type CellGrid } from '../../kernels/patch-pool.ts';

export interface PatchGrid {
  batch: number;
  /** Patches per image vertically and horizontally; patches = batch · rows · cols. */
  rows: number;
  cols: number;
  patches: number;
  /** Input pixels per embedding position. */
  stride: number;
  /** The grid over the embedding map (cells of p/stride positions) and over the mask (p pixels). */
  embeddingCells: CellGrid;
  maskCells: CellGrid;
}

/** The patch grid for embeddings [B, D, h, w] of images (and masks) of height × width pixels. */
export function patchGrid(embeddingShape: Shape, imageSize: readonly [number, number], patchSize: number): PatchGrid {
  if (embeddingShape.length !== 4) throw new Error(`patch pooling: embeddings must be [B, D, h, w], got ${formatShape(embeddingShape)}`);
  const [batch, , h, w] = embeddingShape as [number, number, number, number];
  const [height, width] = imageSize;
  const stride = height / h;
  if (!Number.isInteger(stride) || width / w !== stride) {
    throw new Error(`patch pooling: a ${height}×${width} image and a ${h}×${w} embedding map have no common integer stride`);
  }
  const cell = patchSize / stride;
  if (!Number.isInteger(cell) || cell < 1) {
    throw new Error(`patch pooling: patch size ${patchSize} px is not a whole number of embedding positions (stride ${stride})`);
  }
  const rows = Math.ceil(h / cell);
  const cols = Math.ceil(w / cell);
  return {
    batch,
    rows,
    cols,
    patches: batch * rows * cols,
    stride,
    embeddingCells: { batch, h, w, cell, gh: rows, gw: cols },
    maskCells: { batch, h: height, w: width, cell: patchSize, gh: rows, gw: cols },
  };
}

interface PoolAttrs {
  grid: PatchGrid;
}

const poolOp = defineOp<PoolAttrs>({
  name: 'patchPool',
  forward: ([x], attrs) => {
    const { unit, norms } = patchPoolKernel(x!, attrs.grid.embeddingCells);
    return { output: unit, saved: [norms] }; // ‖mean‖ per patch, for the backward pass
  },
  backward: (g, { inputs: [x], output, attrs, saved: [norms] }) => [
    Tensor.wrap(patchPoolBackwardKernel(g.storage, output.storage, norms!.storage, attrs.grid.embeddingCells, x!.shape)),
  ],
});

/** Unit patch embeddings [patches, D] of a branch map [B, D, h, w]. */
export function poolPatchEmbeddings(embeddings: Tensor, grid: PatchGrid): Tensor {
  const e = grid.embeddingCells;
  if (embeddings.rank !== 4 || embeddings.shape[0] !== e.batch || embeddings.shape[2] !== e.h || embeddings.shape[3] !== e.w) {
    throw new Error(`patch pooling: ${embeddings.describe()} does not match the grid's [${e.batch}, D, ${e.h}, ${e.w}]`);
  }
  return poolOp([embeddings], { grid });
}
