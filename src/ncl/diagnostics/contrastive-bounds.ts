// The two reference values of a contrastive term (docs/method.md §5, (5.9)–(5.10)), from its
// labels and anchor weights alone, so a logged L_con can be read against them:
//   collapse: every embedding the same, s_ij = 1/τ for all pairs: ℓ_i = log(N − 1) for each of the
//             N valid rows, whatever the weights;
//   minimum:  each class one point, the two points antipodal: ℓ_i = log(n_c − 1 + n_o e^{−2/τ})
//             (n_c rows in i's class, n_o in the other), the least value ℓ_i can take for two
//             classes, reached by every anchor at once; L_con's minimum is its weighted mean.
import { contrastivePlan } from '../method/contrastive-plan.ts';
import type { StepLosses } from '../method/step.ts';

export interface ContrastiveBounds {
  collapse: number;
  minimum: number;
}

/** Bounds for labels with at most two classes (−1 = ignored); null when no anchor is kept. */
export function contrastiveBounds(labels: ArrayLike<number>, tau: number, anchorWeights?: ArrayLike<number>): ContrastiveBounds | null {
  const plan = contrastivePlan(labels, anchorWeights);
  if (plan.kept === 0) return null;
  if (plan.classes > 2) throw new Error(`contrastive bounds: ${plan.classes} classes; the minimum is written for two`);
  const size = (c: number) => plan.classStart[c + 1]! - plan.classStart[c]!;
  const valid = plan.classStart[plan.classes]!;
  let minimum = 0;
  plan.classOf.forEach((c, i) => {
    const w = plan.weight[i]!;
    if (w === 0) return;
    const other = valid - size(c);
    minimum += w * Math.log(size(c) - 1 + other * Math.exp(-2 / tau));
  });
  return { collapse: Math.log(valid - 1), minimum };
}

/** The bounds of each contrastive term of a training step, as its `con` (null: no kept anchor). */
export function stepBounds(losses: Pick<StepLosses, 'conLabels' | 'anchorWeights'>, tau: number): Array<ContrastiveBounds | null> {
  return losses.conLabels.map((labels) => contrastiveBounds(labels, tau, losses.anchorWeights));
}
