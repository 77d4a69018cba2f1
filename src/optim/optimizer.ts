// Optimisers: one kernel dispatch per parameter tensor (src/kernels/optim.ts) updates the weights
// and the state in place. Optional clipping by global gradient norm scales every gradient inside
// those kernels. The kernels skip the update when the step's guard is not finite (a non-finite
// gradient norm when clipping, or a guard the caller gives), so a bad step can be detected after
// it was recorded, without a read-back in the middle of the step.
import { Tensor, formatShape } from '../autograd/tensor.ts';
import type { NamedArray } from '../io/safetensors.ts';
import { full, tensor } from '../autograd/ops/creation.ts';
import { add, mulScalar } from '../autograd/ops/elementwise.ts';
import { concat, slice } from '../autograd/ops/shape.ts';
import { keep, noGrad, tidy } from '../autograd/scope.ts';
import { adamwUpdateKernel, sgdUpdateKernel } from '../kernels/optim.ts';
import { globalNormScale } from './clip.ts';

export interface OptimizerOptions {
  lr: number;
  weightDecay?: number;
  /** Clip gradients to this global L2 norm before the update (off when undefined). */
  maxGradNorm?: number;
}

export abstract class Optimizer {
  lr: number;
  /** Number of steps taken (AdamW's bias correction uses it; checkpoints store it). */
  stepCount = 0;
  /** [scale, norm] of the last step's clipping, when clipping is on. */
  lastClip: Tensor | null = null;
  /** [1, 0]: no scaling, a finite guard. */
  private readonly unitScale: Tensor;
  private guarded: Tensor | null = null;
  protected readonly state = new Map<Tensor, Tensor[]>();

  constructor(
    readonly params: readonly Tensor[],
    protected readonly options: OptimizerOptions,
  ) {
    if (!(options.lr >= 0)) throw new Error(`learning rate must be non-negative, got ${options.lr}`);
    for (const p of params) {
      if (!p.requiresGrad) throw new Error(`optimizer: ${p.describe()} does not require a gradient`);
    }
    this.lr = options.lr;
    this.unitScale = keep(tensor([1, 0], [2]));
  }

  /** Names of the per-parameter state tensors, as PyTorch calls them. */
  protected abstract readonly slotNames: readonly string[];

  /** Per-parameter state tensors (momentum, moments), created zero on first use. */
  protected slots(p: Tensor): Tensor[] {
    let s = this.state.get(p);
    if (!s) {
      s = this.slotNames.map(() => keep(full(p.shape, 0)));
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * State for a checkpoint: "<param name>.<slot>" for every slot created so far, named by the
   * parameters' names (`names[i]` for params[i]). The step count goes in the metadata.
   */
  async exportState(names: readonly string[]): Promise<Map<string, NamedArray>> {
    const out = new Map<string, NamedArray>();
    for (let i = 0; i < this.params.length; i++) {
      const slots = this.state.get(this.params[i]!);
      if (!slots) continue;
      for (let k = 0; k < slots.length; k++) {
        out.set(`${names[i]}.${this.slotNames[k]}`, { shape: [...slots[k]!.shape], data: await slots[k]!.data() });
      }
    }
    return out;
  }

  /** Restores what exportState wrote (slots absent from it start at zero, as on a first step). */
  loadState(state: Map<string, NamedArray>, names: readonly string[], stepCount: number): void {
    this.stepCount = stepCount;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i]!;
      const entries = this.slotNames.map((slot) => state.get(`${names[i]}.${slot}`));
      if (entries.every((e) => e === undefined)) continue;
      const slots = this.slots(p);
      entries.forEach((e, k) => {
        if (!e) throw new Error(`optimizer state lacks '${names[i]}.${this.slotNames[k]}'`);
        if (formatShape(e.shape) !== formatShape(p.shape)) {
          throw new Error(`optimizer state '${names[i]}.${this.slotNames[k]}' has shape ${formatShape(e.shape)}, parameter is ${formatShape(p.shape)}`);
        }
        slots[k]!.assign(e.data);
      });
    }
  }

  /**
   * Applies one update to every parameter that has a gradient. With `guard` (one element), the
   * update happens on the device only if the guard is finite; a caller that finds out later that
   * it was not calls forgetStep().
   */
  step(guard?: Tensor): void {
    if (guard && guard.size !== 1) throw new Error(`optimizer step: the guard must have one element, got ${guard.describe()}`);
    this.stepCount++;
    const withGrad = this.params.filter((p) => p.grad);
    let scale = this.unitScale;
    if (this.options.maxGradNorm !== undefined) {
      this.lastClip?.dispose();
      this.lastClip = keep(globalNormScale(withGrad.map((p) => p.grad!), this.options.maxGradNorm));
      scale = this.lastClip;
    }
    if (guard) {
      this.guarded?.dispose();
      // [s, g + 0·guard]: 0·guard is 0 when the guard is finite and NaN when it is not.
      this.guarded = keep(noGrad(() => tidy(() => concat([slice(scale, [0], [1]), add(slice(scale, [1], [1]), mulScalar(guard.view([1]), 0))], 0))));
      scale = this.guarded;
    }
    for (const p of withGrad) this.update(p, p.grad!, scale);
  }

  /** Takes back the count of a step whose guard turned out not to be finite (nothing changed on
   *  the device; AdamW's bias correction must not advance). */
  forgetStep(): void {
    this.stepCount--;
  }

  protected abstract update(p: Tensor, grad: Tensor, scale: Tensor): void;

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  dispose(): void {
    for (const s of this.state.values()) for (const t of s) t.dispose();
    this.state.clear();
    this.lastClip?.dispose();
    this.guarded?.dispose();
    this.unitScale.dispose();
  }
}

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
}

export class SGD extends Optimizer {
  protected readonly slotNames = ['momentum_buffer'];

  constructor(
    params: readonly Tensor[],
    private readonly sgd: SGDOptions,
  ) {
    super(params, sgd);
  }

  protected update(p: Tensor, grad: Tensor, scale: Tensor): void {
    const [velocity] = this.slots(p);
    sgdUpdateKernel(p.storage, grad.storage, scale.storage, velocity!.storage, {
      lr: this.lr,
      momentum: this.sgd.momentum ?? 0,
      weightDecay: this.sgd.weightDecay ?? 0,
    });
  }
}

export interface AdamWOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** PyTorch's AdamW defaults (a training recipe sets its own weight decay: src/ncl/train/config.ts). */
const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 } as const;

export class AdamW extends Optimizer {
  protected readonly slotNames = ['exp_avg', 'exp_avg_sq'];

  private readonly hyper: { beta1: number; beta2: number; eps: number; weightDecay: number };

  constructor(params: readonly Tensor[], options: AdamWOptions) {
    super(params, options);
    const d = ADAMW_DEFAULTS;
    this.hyper = { beta1: options.beta1 ?? d.beta1, beta2: options.beta2 ?? d.beta2, eps: options.eps ?? d.eps, weightDecay: options.weightDecay ?? d.weightDecay };
  }

  protected update(p: Tensor, grad: Tensor, scale: Tensor): void {
    const [m1, m2] = this.slots(p);
    adamwUpdateKernel(p.storage, grad.storage, scale.storage, m1!.storage, m2!.storage, { ...this.hyper, lr: this.lr, step: this.stepCount });
  }
}
