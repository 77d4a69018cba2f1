// Optimisers as kernels: one dispatch per parameter tensor updates the weights and the state in
// place. Optional clipping by global gradient norm scales every gradient inside those kernels.
import { keep } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { fillKernel } from '../kernels/elementwise.ts';
import { kernel, launch } from '../kernels/launch.ts';
import { uniforms } from '../kernels/uniforms.ts';
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
  private readonly unitScale: Tensor;
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
    this.unitScale = keep(fillKernel([1], 1));
  }

  /** Per-parameter state tensors (momentum, moments), created on first use. */
  protected slots(p: Tensor, count: number): Tensor[] {
    let s = this.state.get(p);
    if (!s) {
      s = Array.from({ length: count }, () => keep(fillKernel(p.shape, 0)));
      this.state.set(p, s);
    }
    return s;
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const withGrad = this.params.filter((p) => p.grad);
    let scale = this.unitScale;
    if (this.options.maxGradNorm !== undefined) {
      this.lastClip?.dispose();
      this.lastClip = keep(globalNormScale(withGrad.map((p) => p.grad!), this.options.maxGradNorm));
      scale = this.lastClip;
    }
    for (const p of withGrad) this.update(p, p.grad!, scale);
  }

  protected abstract update(p: Tensor, grad: Tensor, scale: Tensor): void;

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** State tensors by parameter index, for checkpoints. */
  stateTensors(): Array<Tensor[] | undefined> {
    return this.params.map((p) => this.state.get(p));
  }

  dispose(): void {
    for (const s of this.state.values()) for (const t of s) t.dispose();
    this.state.clear();
    this.lastClip?.dispose();
    this.unitScale.dispose();
  }
}

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
}

export class SGD extends Optimizer {
  constructor(
    params: readonly Tensor[],
    private readonly sgd: SGDOptions,
  ) {
    super(params, sgd);
  }

  protected update(p: Tensor, grad: Tensor, scale: Tensor): void {
    const [velocity] = this.slots(p, 1);
    launch({
      op: 'sgd',
      kernel: kernel('sgd', 'sgd'),
      reads: [grad, scale],
      writes: [p, velocity!],
      uniforms: uniforms()
        .u32(p.size)
        .f32(this.lr, this.sgd.momentum ?? 0, this.sgd.weightDecay ?? 0)
        .finish(),
      workgroups: Math.ceil(p.size / 256),
    });
  }
}

export interface AdamWOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class AdamW extends Optimizer {
  constructor(
    params: readonly Tensor[],
    private readonly adam: AdamWOptions,
  ) {
    super(params, { weightDecay: 0.01, ...adam });
  }

  protected update(p: Tensor, grad: Tensor, scale: Tensor): void {
    const [m1, m2] = this.slots(p, 2);
    const b1 = this.adam.beta1 ?? 0.9;
    const b2 = this.adam.beta2 ?? 0.999;
    const t = this.stepCount;
    launch({
      op: 'adamw',
      kernel: kernel('adamw', 'adamw'),
      reads: [grad, scale],
      writes: [p, m1!, m2!],
      uniforms: uniforms()
        .u32(p.size)
        .f32(this.lr, b1, b2, this.adam.eps ?? 1e-8, this.options.weightDecay ?? 0.01, 1 / (1 - b1 ** t), 1 / (1 - b2 ** t))
        .finish(),
      workgroups: Math.ceil(p.size / 256),
    });
  }
}
