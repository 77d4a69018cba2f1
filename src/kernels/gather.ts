// Row gather (index select) and its deterministic gradient.
import { Tensor, formatShape, shapeSize } from '../autograd/tensor.ts';
import { runtime } from '../runtime/context.ts';
import type { Binding } from '../runtime/runtime.ts';
import { elementwiseGroups, kernel, launch } from './launch.ts';
import { checkLoopBudget } from './loop-budget.ts';
import { uniforms } from './uniforms.ts';

/**
 * Row indices on the device, with the inverse map the gradient needs: for each source row the
 * positions that read it, in increasing order (CSR), so the scatter sums in a fixed order.
 */
export class RowIndex {
  readonly length: number;
  private readonly bindings: { index: Binding; start: Binding; order: Binding };

  constructor(
    readonly indices: Int32Array,
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
    const start = counts.slice();
    const fill = counts.slice(0, sourceRows);
    const order = new Uint32Array(Math.max(1, indices.length));
    for (let i = 0; i < indices.length; i++) order[fill[indices[i]!]!++] = i;
    this.bindings = {
      index: upload(Uint32Array.from(indices.length ? indices : [0])),
      start: upload(start),
      order: upload(order),
    };
  }

  get index(): Binding {
    return this.bindings.index;
  }

  dispose(): void {
    for (const b of Object.values(this.bindings)) runtime().pool.release(b.buffer);
  }

  scatterBindings(): [Binding, Binding] {
    return [this.bindings.start, this.bindings.order];
  }
}

function upload(data: Uint32Array): Binding {
  const buffer = runtime().pool.acquire(data.byteLength, 'row index');
  runtime().write(buffer, data);
  return { buffer, bytes: data.byteLength };
}

/** out[i, :] = x[index[i], :] for x of shape [rows, ...]. */
export function gatherRowsKernel(x: Tensor, index: RowIndex): Tensor {
  if (x.rank < 1 || x.shape[0] !== index.sourceRows) {
    throw new Error(`gatherRows: index built for ${index.sourceRows} rows, tensor is ${formatShape(x.shape)}`);
  }
  const cols = x.size / index.sourceRows;
  const out = Tensor.empty([index.length, ...x.shape.slice(1)]);
  launch({
    op: 'gatherRows',
    kernel: kernel('gatherRows', 'gather_rows'),
    reads: [x, index.index],
    writes: [out],
    uniforms: uniforms().u32(index.length, cols).finish(),
    workgroups: elementwiseGroups(out.size),
  });
  return out;
}

/** The gradient of gatherRows: grad rows summed into their source rows. */
export function scatterRowsKernel(grad: Tensor, index: RowIndex, sourceShape: readonly number[]): Tensor {
  const cols = shapeSize(sourceShape.slice(1));
  const out = Tensor.empty(sourceShape);
  launch({
    op: 'scatterRows',
    kernel: kernel('scatterRows', 'scatter_rows'),
    reads: [grad, ...index.scatterBindings()],
    writes: [out],
    uniforms: uniforms().u32(index.sourceRows, cols).finish(),
    workgroups: elementwiseGroups(out.size),
  });
  return out;
}
