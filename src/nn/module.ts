// Module: a named tree of parameters (trained) and buffers (state such as BN running statistics),
// with the dotted names of PyTorch state dicts ("backbone.layer1.0.conv1.weight"), so weights can
// move between the two.
import { keep } from '../autograd/scope.ts';
import { formatShape, type Tensor } from '../autograd/tensor.ts';
import type { NamedArray } from '../io/safetensors.ts';

export abstract class Module {
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable tensor under `name`; it lives until the module is disposed. */
  protected param(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    t.name = name;
    this.ownParams.set(name, keep(t));
    return t;
  }

  /** Registers a non-trainable state tensor (saved in checkpoints, not optimised). */
  protected buffer(name: string, t: Tensor): Tensor {
    t.name = name;
    this.ownBuffers.set(name, keep(t));
    return t;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Parameters in registration order, depth first, with dotted names. */
  namedParameters(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [...this.ownParams].map(([n, t]) => [prefix + n, t]);
    for (const [n, c] of this.children) for (const entry of c.namedParameters(`${prefix}${n}.`)) out.push(entry);
    return out;
  }

  namedBuffers(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [...this.ownBuffers].map(([n, t]) => [prefix + n, t]);
    for (const [n, c] of this.children) for (const entry of c.namedBuffers(`${prefix}${n}.`)) out.push(entry);
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Parameters and buffers by name: what a checkpoint stores. */
  stateTensors(): Map<string, Tensor> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Training mode (batch statistics, dropout) or evaluation mode, for the whole tree. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  async exportState(): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (const [name, t] of this.stateTensors()) out.set(name, { shape: [...t.shape], data: await t.data() });
    return out;
  }

  /**
   * Loads values by name. Every tensor of the module must be present with its shape; entries the
   * module does not have are an error unless `allowUnused` (e.g. a classifier head left behind).
   */
  loadState(state: Map<string, NamedArray>, options: { allowUnused?: boolean; source?: string } = {}): void {
    const source = options.source ?? 'the state';
    const mine = this.stateTensors();
    const missing = [...mine.keys()].filter((k) => !state.has(k));
    if (missing.length) throw new Error(`${source} lacks ${missing.length} tensor(s) of the model: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
    const unused = [...state.keys()].filter((k) => !mine.has(k));
    if (unused.length && !options.allowUnused) {
      throw new Error(`${source} has ${unused.length} tensor(s) the model does not: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`);
    }
    for (const [name, t] of mine) {
      const v = state.get(name)!;
      if (formatShape(v.shape) !== formatShape(t.shape)) {
        throw new Error(`${source}: '${name}' has shape ${formatShape(v.shape)}, the model expects ${formatShape(t.shape)}`);
      }
    }
    for (const [name, t] of mine) t.assign(state.get(name)!.data);
  }

  dispose(): void {
    for (const t of [...this.ownParams.values(), ...this.ownBuffers.values()]) {
      t.zeroGrad();
      t.dispose();
    }
    for (const c of this.children.values()) c.dispose();
  }
}
