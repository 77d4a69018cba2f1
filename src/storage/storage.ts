// Storage: what kernels read and write. A dense, contiguous, row-major array of one dtype (f32,
// i32 or u32, 4 bytes each) with a shape in a pooled GPU buffer. Views of another shape share the buffer, which goes back to the pool when the
// last of them is disposed. Storage knows nothing of gradients: autograd's Tensor wraps one.
import { runtime } from '../runtime/context.ts';
import type { Binding } from '../runtime/runtime.ts';
import type { FirstWriter, PooledBuffer } from '../runtime/buffer-pool.ts';

export type Shape = readonly number[];

export type DType = 'f32' | 'i32' | 'u32';
export type TypedArray = Float32Array | Int32Array | Uint32Array;

const ARRAY_OF = { f32: Float32Array, i32: Int32Array, u32: Uint32Array } as const;

/** Values as the typed array of a dtype (copied unless they already are one). */
function typed(data: ArrayLike<number>, dtype: DType): TypedArray {
  const Kind = ARRAY_OF[dtype];
  if (data instanceof Kind) return data;
  const out = Kind.from(data);
  if (dtype !== 'f32') {
    const bad = Array.from(data).findIndex((v, i) => v !== out[i]);
    if (bad >= 0) throw new Error(`value ${data[bad]} at ${bad} is not a ${dtype}`);
  }
  return out;
}

export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

function checkShape(shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`);
  }
}

/** One pooled buffer and how many storages (views) share it. */
class SharedBuffer {
  refs = 1;
  constructor(readonly pooled: PooledBuffer) {}
}

export class Storage {
  readonly shape: Shape;
  readonly size: number;
  private shared: SharedBuffer | null;

  private constructor(
    shape: Shape,
    readonly dtype: DType,
    shared: SharedBuffer,
  ) {
    checkShape(shape);
    this.shape = [...shape];
    this.size = shapeSize(shape);
    this.shared = shared;
  }

  /** Uninitialised storage for a kernel to fill (`firstWriter` 'host': for data uploaded next). */
  static empty(shape: Shape, dtype: DType = 'f32', label?: string, firstWriter: FirstWriter = 'kernel'): Storage {
    checkShape(shape);
    return new Storage(shape, dtype, new SharedBuffer(runtime().pool.acquire(shapeSize(shape) * 4, label, firstWriter)));
  }

  /** Storage holding `data` (converted to the dtype; integers must be exact). */
  static fromArray(data: ArrayLike<number>, shape: Shape, dtype: DType = 'f32', label?: string): Storage {
    checkShape(shape);
    const size = shapeSize(shape);
    if (data.length !== size) throw new Error(`data has ${data.length} values but shape ${formatShape(shape)} needs ${size}`);
    const values = typed(data, dtype);
    const s = Storage.empty(shape, dtype, label, 'host');
    if (size > 0) runtime().write(s.buffer, values);
    return s;
  }

  /** Storage of another shape with the same number of elements, sharing this one's buffer. */
  view(shape: Shape): Storage {
    if (shapeSize(shape) !== this.size) {
      throw new Error(`cannot view ${formatShape(this.shape)} as ${formatShape(shape)}: ${this.size} elements vs ${shapeSize(shape)}`);
    }
    const shared = this.live();
    shared.refs++;
    return new Storage(shape, this.dtype, shared);
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.shared === null;
  }

  describe(): string {
    return `${this.dtype} storage ${formatShape(this.shape)}`;
  }

  /** The pooled GPU buffer; throws if disposed. */
  get buffer(): PooledBuffer {
    return this.live().pooled;
  }

  /** The buffer as a kernel binding of exactly this storage's bytes. */
  get binding(): Binding {
    return { buffer: this.buffer, bytes: this.size * 4 };
  }

  private live(): SharedBuffer {
    if (!this.shared) throw new Error(`${this.describe()} was disposed and cannot be used`);
    return this.shared;
  }

  /** Overwrites the values in place. Recorded work that reads the old values is submitted first. */
  write(data: ArrayLike<number>): void {
    if (data.length !== this.size) throw new Error(`cannot write ${data.length} values to ${this.describe()}`);
    const values = typed(data, this.dtype);
    runtime().flush();
    if (this.size > 0) runtime().write(this.buffer, values);
  }

  /** Copies the values back to the CPU as the dtype's typed array (waits for all recorded work). */
  async read(): Promise<TypedArray> {
    const Kind = ARRAY_OF[this.dtype];
    if (this.size === 0) return new Kind(0);
    return new Kind(await runtime().read(this.buffer, this.size * 4));
  }

  /** Gives up this view; the buffer returns to the pool with the last one. Safe to call twice. */
  dispose(): void {
    if (!this.shared) return;
    if (--this.shared.refs === 0) runtime().pool.release(this.shared.pooled);
    this.shared = null;
  }
}
