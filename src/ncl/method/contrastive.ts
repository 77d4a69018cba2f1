// Supervised contrastive loss over patch embeddings (docs/method.md §5; the fused kernel is §6).
//
//   s_ij = z_i · z_j / τ,   LSE_i = log Σ_{j ≠ i, y_j ≠ −1} exp(s_ij),   P_i = { j ≠ i : y_j = y_i }
//   ℓ_i  = LSE_i − (1/|P_i|) Σ_{p ∈ P_i} s_ip,   L_con = Σ_kept a_i ℓ_i / Σ_kept a_i
//   (anchor weights a_i, default 1: the mean of ℓ_i over the M kept anchors)
//
// Rows labelled −1 are ignored (neither anchors nor in any denominator); anchors without positives
// are skipped; with no kept anchor the loss is 0 and so is its gradient.
import type { Tensor } from '../../autograd/tensor.ts';
import { fusedContrastiveLoss } from '../ops/contrastive-fused.ts';
import { checkTau } from '../ops/tau.ts';
import { contrastivePlan } from './contrastive-plan.ts';
import { unfusedContrastiveLoss } from './contrastive-unfused.ts';
import { DEFAULT_NCL_OPTIONS } from './options.ts';

export interface ContrastiveOptions {
  /** Temperature τ (default: DEFAULT_NCL_OPTIONS.tau). */
  tau?: number;
  /** The fused kernel (default) or the composition of engine ops (the reference). */
  fused?: boolean;
  /** a_i ≥ 0 per row: L_con = Σ_kept a_i ℓ_i / Σ_kept a_i (default 1 each: the mean). */
  anchorWeights?: ArrayLike<number>;
}

/**
 * L_con for z [N, D] (unit rows) and per-row class ids (−1 = ignore), as a scalar tensor.
 * The labels stay on the host: they decide the anchors and weights before any kernel runs.
 */
export function contrastiveLoss(z: Tensor, labels: ArrayLike<number>, options: ContrastiveOptions = {}): Tensor {
  const tau = options.tau ?? DEFAULT_NCL_OPTIONS.tau;
  if (z.rank !== 2 || z.shape[1] === 0) throw new Error(`contrastiveLoss: z must be [N, D] with D ≥ 1, got ${z.describe()}`);
  if (labels.length !== z.shape[0]) throw new Error(`contrastiveLoss: ${labels.length} labels for ${z.describe()}`);
  checkTau(tau, 'contrastiveLoss');
  const plan = contrastivePlan(labels, options.anchorWeights);
  return (options.fused ?? DEFAULT_NCL_OPTIONS.fused) ? fusedContrastiveLoss(z, plan, tau) : unfusedContrastiveLoss(z, plan, tau);
}
