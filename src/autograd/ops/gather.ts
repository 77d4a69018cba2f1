// Row gather (index select along axis 0); its gradient scatters rows back, summing the rows of
// repeated indices in a fixed order.
import { gatherRowsKernel, scatterRowsKernel, type RowIndex } from '../../kernels/gather.ts';
import { defineOp } from '../registry.ts';
import type { Tensor } from '../tensor.ts';

const gatherRowsOp = defineOp<RowIndex>({
  name: 'gatherRows',
  forward: ([x], index) => gatherRowsKernel(x!, index),
  backward: (g, { inputs: [x], attrs: index }) => [scatterRowsKernel(g, index, x!.shape)],
});

/** out[i] = x[index[i]] (rows of x along axis 0). The index must outlive the backward pass. */
export function gatherRows(x: Tensor, index: RowIndex): Tensor {
  return gatherRowsOp([x], index);
}
