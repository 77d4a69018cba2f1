// The loss terms of docs/method.md §5 that are not the contrastive kernel itself.
//   L_seg = Σ_pixels w_y · (−log softmax(logits)_y) / Σ_pixels w_y   (paper: 2-class pixel-wise CE,
//           w = 1; ours, optional: tampered pixels weigh w = segTamperedWeight)
//   L_pc  = Σ_i m_i (1 − z_i^(T) · z_i^(A)) / Σ_i m_i           (ours; two-head modes; m_i = 1 for
//           the patches L_pc holds together: non-contour ones by default, or all)        (5.7)
//   or, held to the pivot: mean_b Σ_i m_i (1 − z_i^(b) · q_i) / Σ_i m_i, q_i constant      (5.7b)
//   L     = L_seg + λ_con · mean_b L_con^b + λ_pc · L_pc (+ λ_ct · L_ct, contour.ts)
import { add, addScalar, mul, mulScalar } from '../../autograd/ops/elementwise.ts';
import { softmaxCrossEntropy } from '../../autograd/ops/losses.ts';
import { full } from '../../autograd/ops/creation.ts';
import { sum } from '../../autograd/ops/reduce.ts';
import { Tensor } from '../../autograd/tensor.ts';

/** Softmax cross-entropy of [B, 2, S, S] logits against B × S × S 0/1 masks, weighted mean over pixels. */
export function segmentationLoss(logits: Tensor, masks: Uint8Array, tamperedWeight = 1): Tensor {
  const [b, classes, h, w] = logits.shape as [number, number, number, number];
  if (classes !== 2 || masks.length !== b * h * w) throw new Error(`segmentation loss: logits ${logits.describe()} and ${masks.length} mask pixels do not match`);
  const target = Tensor.fromArray(Float32Array.from(masks), [b, h, w]);
  if (tamperedWeight === 1) return softmaxCrossEntropy(logits, target);
  return softmaxCrossEntropy(logits, target, { classWeights: Tensor.fromArray([1, tamperedWeight], [2]) });
}

/**
 * L_pc over the two branches' embeddings of the same sampled patches ([N, D] unit rows each), over
 * the rows with held[i] true (all rows when `held` is absent); 0, with no gradient, if none is held.
 */
export function pivotConsistentLoss(zT: Tensor, zA: Tensor, held?: ArrayLike<boolean>): Tensor {
  return meanDisagreement([[zT, zA]], held);
}

/**
 * L_pc held to the pivot (5.7b): each head's rows against the anchor rows q ([N, D] unit, carrying
 * no gradient), averaged over the heads and the held rows.
 */
export function pivotAnchoredLoss(heads: Tensor[], anchor: Tensor, held?: ArrayLike<boolean>): Tensor {
  return meanDisagreement(heads.map((z) => [z, anchor] as [Tensor, Tensor]), held);
}

/** mean over pairs of Σ_i m_i (1 − a_i · b_i) / Σ_i m_i; 0, with no gradient, if no row is held. */
function meanDisagreement(pairs: Array<[Tensor, Tensor]>, held?: ArrayLike<boolean>): Tensor {
  const n = pairs[0]![0].shape[0]!;
  const mask = Float32Array.from({ length: n }, (_, i) => (held === undefined || held[i] ? 1 : 0));
  const count = mask.reduce((a, v) => a + v, 0);
  if (count === 0) return full([], 0);
  const weights = Tensor.fromArray(mask, [n]);
  const agreement = pairs.map(([a, b]) => sum(mul(sum(mul(a, b), 1), weights))).reduce((x, y) => add(x, y));
  return addScalar(mulScalar(agreement, -1 / (count * pairs.length)), 1);
}

export interface LossTerms {
  seg: Tensor;
  /** L_con of each contrastive term, in the order of contrastiveTerms(). */
  con: Tensor[];
  pc: Tensor | null;
  /** L_ct (null: λ_ct = 0, no contour head). */
  contour: Tensor | null;
}

/** L = L_seg + λ_con · mean of the contrastive terms + λ_pc · L_pc + λ_ct · L_ct (absent terms count 0). */
export function totalLoss(terms: LossTerms, lambdaCon: number, lambdaPc: number, lambdaContour = 0): Tensor {
  let total = terms.seg;
  if (terms.con.length > 0) {
    const con = terms.con.reduce((a, b) => add(a, b));
    total = add(total, mulScalar(con, lambdaCon / terms.con.length));
  }
  if (terms.pc) total = add(total, mulScalar(terms.pc, lambdaPc));
  if (terms.contour) total = add(total, mulScalar(terms.contour, lambdaContour));
  return total;
}
