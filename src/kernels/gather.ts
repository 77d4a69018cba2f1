// Row gather (index select) and its deterministic gradient. The index is u32 storage; the
// gradient reads the inverse map as CSR (start, order: the positions that read each source row,
// increasing), built by RowIndex (src/autograd/ops/gather.ts), so it sums in a fixed order.
import { Storage, formatShape, shapeSize } from '../storage/storage.ts';
import { declaredKernel, launch, shader } from './launch.ts';

/** cols: the values per row. */
const GATHER_ROWS = shader('gather_rows', { reads: { src: 'f32', index: 'u32' }, writes: { dst: 'f32' }, params: { cols: 'u32' }, perItem: true });
/** start, order: the inverse map as CSR (the positions that read each source row, increasing);
 *  cols: the values per row. */
const SCATTER_ROWS = shader('scatter_rows', { reads: { grad: 'f32', start: 'u32', order: 'u32' }, writes: { dst: 'f32' }, params: { cols: 'u32' }, perItem: true });

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
    kernel: declaredKernel(GATHER_ROWS, 'gatherRows'),
    reads: { src: x, index },
    writes: { dst: out },
    params: { cols },
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
    kernel: declaredKernel(SCATTER_ROWS, 'scatterRows'),
    reads: { grad, start, order },
    writes: { dst: out },
    params: { cols },
    items: out.size,
  });
  return out;
}
