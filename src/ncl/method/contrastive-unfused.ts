// The contrastive loss of docs/method.md §5 written with the engine's ops: the readable reference
// for the fused kernel and the benchmark's baseline. It holds several N×N matrices.
//
//   S      = Z Zᵀ / τ + MASKED · (I + 1·invalidᵀ)       (j = i and ignored columns masked)
//   log p  = logSoftmax(S) along rows                  (log p_ij = s_ij − LSE_i)
//   L_con  = −Σ_ij W_ij log p_ij,  W_ij = w_i / |P_i| · [y_j = y_i, j ≠ i]
//
// which equals mean over kept anchors of LSE_i − (1/|P_i|) Σ_{p ∈ P_i} s_ip.
import { noGrad, tidy } from '../../autograd/scope.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { add, equal, mul, mulScalar, neg, sub } from '../../autograd/ops/elementwise.ts';
import { matmul } from '../../autograd/ops/matmul.ts';
import { sum } from '../../autograd/ops/reduce.ts';
import { logSoftmax } from '../../autograd/ops/softmax.ts';
import type { ContrastivePlan } from '../ops/contrastive-plan-upload.ts';
import { invTau } from '../ops/tau.ts';

/** The finite value that masks a pair out of a denominator (never −inf). */
export const MASKED = -1e30;

/** The constant N×N additive mask and positive-weight matrix. */
function masks(plan: ContrastivePlan): { mask: Tensor; positives: Tensor } {
  const n = plan.n;
  return noGrad(() =>
    tidy(() => {
      const index = Float32Array.from({ length: n }, (_, i) => i);
      const diag = equal(Tensor.fromArray(index, [n, 1]), Tensor.fromArray(index, [1, n]));
      const invalid = Tensor.fromArray(Float32Array.from(plan.classOf, (c) => (c < 0 ? 1 : 0)), [1, n]);
      const mask = mulScalar(add(diag, invalid), MASKED);
      const cls = Float32Array.from(plan.classOf);
      const sameClass = equal(Tensor.fromArray(cls, [n, 1]), Tensor.fromArray(cls, [1, n]));
      const rowScale = Tensor.fromArray(plan.weight.map((w, i) => w * plan.posScale[i]!), [n, 1]);
      const positives = mul(mul(sameClass, sub(Tensor.fromArray([1], [1, 1]), diag)), rowScale);
      return { mask, positives };
    }),
  );
}

export function unfusedContrastiveLoss(z: Tensor, plan: ContrastivePlan, tau: number): Tensor {
  const { mask, positives } = masks(plan);
  const logp = logSoftmax(add(mulScalar(matmul(z, z, { transB: true }), invTau(tau)), mask), 1);
  return neg(sum(mul(logp, positives)));
}
