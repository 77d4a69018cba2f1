// Row gather (index select along axis 0); its gradient scatters rows back, summing the rows of
// repeated indices in a fixed order.
import { gatherRowsKernel, scatterRowsKernel } from '../../kernels/gather.ts';
import { checkLoopBudget } from '../../kernels/loop-budget.ts';
import { defineOp } from '../registry.ts';
import { wordTensor } from './creation.ts';
import { Tensor } from '../tensor.ts';

/**
 * Row indices on the device as u32 tensors, with the inverse map the gradient needs: for each
 * source row the positions that read it, in increasing order (CSR: `order[start[r] ..
 * start[r + 1])`), so the scatter sums in a fixed order. Made inside a tidy scope, its tensors
 * are released with the scope; dispose() releases them otherwise.
 */
export class RowIndex {
  readonly length: number;
  readonly index: Tensor;
  readonly start: Tensor;
  readonly order: Tensor;

  constructor(
    indices: Int32Array,
    /** Number of rows of the tensors this index reads from. */
    readonly sourceRows: number,
  ) {
    this.length = indices.length;
    const counts = new Uint32Array(sourceRows + 1);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      if (!Number.isInteger(r) || r < 0 || r >= sourceRows) {
        throw new Error(`row index ${r} at position ${i} is outside [0, ${sourceRows})`);
      }
      counts[r + 1]!++;
    }
    // The gradient sums each source row's uses in one loop.
    let mostUses = 0;
    for (let r = 0; r < sourceRows; r++) mostUses = Math.max(mostUses, counts[r + 1]!);
    checkLoopBudget('scatterRows', mostUses, 'a row gathered that many times');
    for (let r = 0; r < sourceRows; r++) counts[r + 1]! += counts[r]!;
    const fill = counts.slice(0, sourceRows);
    const order = new Uint32Array(indices.length);
    for (let i = 0; i < indices.length; i++) order[fill[indices[i]!]!++] = i;
    this.index = Tensor.fromArray(indices, [indices.length], { dtype: 'u32' }); // not read when empty
    this.start = Tensor.fromArray(counts, [counts.length], { dtype: 'u32' });
    this.order = wordTensor(order); // the scatter binds it even when nothing was gathered
  }

  dispose(): void {
    for (const t of [this.index, this.start, this.order]) t.dispose();
  }
}

const gatherRowsOp = defineOp<{ sourceRows: number }>({
  name: 'gatherRows',
  forward: ([x, index], { sourceRows }) => gatherRowsKernel(x!, index!, sourceRows),
  backward: (g, { inputs: [x, , start, order] }) => [Tensor.wrap(scatterRowsKernel(g.storage, start!.storage, order!.storage, x!.shape)), null, null, null],
});

/** out[i] = x[index[i]] (rows of x along axis 0). The index must outlive the backward pass. */
export function gatherRows(x: Tensor, index: RowIndex): Tensor {
  return gatherRowsOp([x, index.index, index.start, index.order], { sourceRows: index.sourceRows });
}
