// Tensor: a dense, contiguous, row-major f32 array in a pooled GPU buffer, plus what autograd needs
// (requiresGrad, grad, and the node of the op that created it).
import { runtime } from '../runtime/context.ts';
import type { Binding } from '../runtime/runtime.ts';
import type { PooledBuffer } from '../runtime/buffer-pool.ts';
import { track } from './scope.ts';

export type Shape = readonly number[];

/** The op that produced a tensor: its inputs and how to turn the output's gradient into theirs. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Gradients w.r.t. each input (null where an input needs none). Runs with grad disabled. */
  readonly backward: (grad: Tensor) => Array<Tensor | null>;
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

let nextId = 1;

/** A pooled buffer shared by a tensor and its reshaped views; returned to the pool with the last. */
class Storage {
  refs = 1;
  constructor(readonly pooled: PooledBuffer) {}
}

export class Tensor {
  readonly id = nextId++;
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  node: GraphNode | null = null;
  /** Optional name used in error messages and parameter lists. */
  name: string | undefined;
  private storage: Storage | null;

  private constructor(shape: Shape, storage: Storage, requiresGrad = false) {
    checkShape(shape);
    this.shape = [...shape];
    this.size = shapeSize(shape);
    this.storage = storage;
    this.requiresGrad = requiresGrad;
    track(this);
  }

  /** An uninitialised tensor (kernels fill it). */
  static empty(shape: Shape, label?: string): Tensor {
    checkShape(shape);
    return new Tensor(shape, new Storage(runtime().pool.acquire(shapeSize(shape) * 4, label)));
  }

  /** A tensor of another shape with the same number of elements, sharing this one's buffer. */
  view(shape: Shape): Tensor {
    if (shapeSize(shape) !== this.size) {
      throw new Error(`cannot view ${this.describe()} as ${formatShape(shape)}: ${this.size} elements vs ${shapeSize(shape)}`);
    }
    const storage = this.liveStorage();
    storage.refs++;
    return new Tensor(shape, storage);
  }

  static fromArray(data: ArrayLike<number>, shape: Shape, options: { requiresGrad?: boolean; name?: string } = {}): Tensor {
    checkShape(shape);
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`tensor data has ${data.length} values but shape ${formatShape(shape)} needs ${size}`);
    }
    const t = Tensor.empty(shape, options.name);
    if (size > 0) runtime().write(t.buffer, data instanceof Float32Array ? data : Float32Array.from(data));
    t.requiresGrad = options.requiresGrad ?? false;
    t.name = options.name;
    return t;
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  /** The pooled GPU buffer; throws if the tensor was disposed. */
  get buffer(): PooledBuffer {
    return this.liveStorage().pooled;
  }

  private liveStorage(): Storage {
    if (!this.storage) throw new Error(`${this.describe()} was disposed and cannot be used`);
    return this.storage;
  }

  /** The buffer as a kernel binding of exactly this tensor's bytes. */
  get binding(): Binding {
    return { buffer: this.buffer, bytes: this.size * 4 };
  }

  describe(): string {
    const what = this.name ? `tensor '${this.name}'` : this.node ? `tensor from ${this.node.op}` : 'tensor';
    return `${what} ${formatShape(this.shape)}`;
  }

  /** Overwrites the values in place (loading weights). Recorded work that reads the old values
   *  is submitted first, so it still sees them. */
  assign(data: Float32Array): void {
    if (data.length !== this.size) throw new Error(`cannot assign ${data.length} values to ${this.describe()}`);
    runtime().flush();
    if (this.size > 0) runtime().write(this.buffer, data);
  }

  /** Copies the values back to the CPU (waits for all recorded work). */
  async data(): Promise<Float32Array> {
    if (this.size === 0) return new Float32Array(0);
    return runtime().readFloats(this.buffer, this.size);
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got ${formatShape(this.shape)}`);
    return (await this.data())[0]!;
  }

  /** Returns the buffer to the pool (once no view shares it). Safe to call twice.
   *  The gradient is not disposed. */
  dispose(): void {
    if (!this.storage) return;
    if (--this.storage.refs === 0) runtime().pool.release(this.storage.pooled);
    this.storage = null;
    this.node = null;
  }

  /** Disposes and clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }
}
