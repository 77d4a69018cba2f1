// Tensor: storage (src/storage) plus what autograd needs: requiresGrad, grad, and the node of the
// op that created it. Tensors created inside a tidy scope are released with it (scope.ts).
import { Storage, formatShape, type DType, type Shape, type TypedArray } from '../storage/storage.ts';
import { track } from './scope.ts';

export { formatShape, shapeSize, type DType, type Shape } from '../storage/storage.ts';

/** The op that produced a tensor: its inputs and how to turn the output's gradient into theirs. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Tensors the op kept for its backward; released with the output. */
  readonly saved: readonly Tensor[];
  /** Gradients w.r.t. each input (null where an input needs none). Runs with grad disabled. */
  readonly backward: (grad: Tensor) => Array<Tensor | null>;
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  node: GraphNode | null = null;
  /** Optional name used in error messages and parameter lists. */
  name: string | undefined;
  private readonly own: Storage;

  private constructor(storage: Storage, requiresGrad = false) {
    this.own = storage;
    this.requiresGrad = requiresGrad;
    track(this);
  }

  /** A tensor over storage a kernel produced; the tensor owns it from now on. */
  static wrap(storage: Storage): Tensor {
    return new Tensor(storage);
  }

  /** An uninitialised tensor (kernels fill it). */
  static empty(shape: Shape, dtype: DType = 'f32', label?: string): Tensor {
    return new Tensor(Storage.empty(shape, dtype, label));
  }

  static fromArray(data: ArrayLike<number>, shape: Shape, options: { requiresGrad?: boolean; name?: string; dtype?: DType } = {}): Tensor {
    const dtype = options.dtype ?? 'f32';
    if (options.requiresGrad && dtype !== 'f32') throw new Error(`a ${dtype} tensor cannot require a gradient`);
    const t = new Tensor(Storage.fromArray(data, shape, dtype, options.name), options.requiresGrad ?? false);
    t.name = options.name;
    return t;
  }

  /** A tensor of another shape with the same number of elements, sharing this one's buffer. */
  view(shape: Shape): Tensor {
    return new Tensor(this.storage.view(shape));
  }

  /** The storage kernels read and write; throws with the tensor's description if disposed. */
  get storage(): Storage {
    if (this.own.disposed) throw new Error(`${this.describe()} was disposed and cannot be used`);
    return this.own;
  }

  get shape(): Shape {
    return this.own.shape;
  }

  get size(): number {
    return this.own.size;
  }

  get dtype(): DType {
    return this.own.dtype;
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.own.disposed;
  }

  describe(): string {
    const what = this.name ? `tensor '${this.name}'` : this.node ? `tensor from ${this.node.op}` : 'tensor';
    return `${what} ${formatShape(this.own.shape)}${this.own.dtype === 'f32' ? '' : ` ${this.own.dtype}`}`;
  }

  /** Overwrites the values in place (loading weights). Recorded work that reads the old values
   *  is submitted first, so it still sees them. */
  assign(data: ArrayLike<number>): void {
    if (data.length !== this.size) throw new Error(`cannot assign ${data.length} values to ${this.describe()}`);
    this.storage.write(data);
  }

  /** Copies the values of an f32 tensor back to the CPU (waits for all recorded work). */
  async data(): Promise<Float32Array> {
    if (this.dtype !== 'f32') throw new Error(`data() reads f32 tensors; ${this.describe()} is read with values()`);
    return (await this.storage.read()) as Float32Array;
  }

  /** Copies the values back as the typed array of the tensor's dtype. */
  async values(): Promise<TypedArray> {
    return this.storage.read();
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got ${formatShape(this.shape)}`);
    return (await this.data())[0]!;
  }

  /** Returns the buffer to the pool (once no view shares it), with what the op that made it saved
   *  for its backward. Safe to call twice. The gradient is not disposed. */
  dispose(): void {
    this.own.dispose();
    for (const s of this.node?.saved ?? []) s.dispose();
    this.node = null;
  }

  /** Disposes and clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }
}
