// Row gather (index select) and its deterministic gradient. The index is u32 storage; the
// gradient reads the inverse map as CSR (start, order: the positions that read each source row,
// increasing), built by RowIndex (src/autograd/ops/gather.ts), so it sums in a fixed order.
import { Storage, formatShape, shapeSize } from '../storage/storage.ts';
import { itemKernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

/** out[i, :] = x[index[i], :] for x of shape [rows, ...]. */
export function gatherRowsKernel(x: Storage, index: Storage, sourceRows: number): Storage {
  if (x.rank < 1 || x.shape[0] !== sourceRows) {
    throw new Error(`gatherRows: index built for ${sourceRows} rows, tensor is ${formatShape(x.shape)}`);
  }
  const cols = x.size / sourceRows;
  const rows = index.size;
  const out = Storage.empty([rows, ...x.shape.slice(1)]);
  launch({
    op: 'gatherRows',
    kernel: itemKernel('gatherRows', 'gather_rows'),
    reads: [x, index],
    writes: [out],
    uniforms: uniforms().u32(rows, cols).finish(),
    items: out.size,
  });
  return out;
}

/** The gradient of gatherRows: grad rows summed into their source rows. */
export function scatterRowsKernel(grad: Storage, start: Storage, order: Storage, sourceShape: readonly number[]): Storage {
  const cols = shapeSize(sourceShape.slice(1));
  const out = Storage.empty(sourceShape);
  launch({
    op: 'scatterRows',
    kernel: itemKernel('scatterRows', 'scatter_rows'),
    reads: [grad, start, order],
    writes: [out],
    uniforms: uniforms().u32(sourceShape[0]!, cols).finish(),
    items: out.size,
  });
  return out;
}
