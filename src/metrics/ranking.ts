// Exact ranking statistics from the scores of positives and negatives, ties handled exactly.
//
// Both arrays are sorted once; one sweep from the highest score down visits each distinct score
// value once and yields
//   AUC = P(s_pos > s_neg) + ½ P(s_pos = s_neg)   (the Mann–Whitney form, equal to the area under
//         the ROC curve with ties drawn as diagonal segments), and
//   the best F1 over all thresholds t with "predicted positive" = score ≥ t, where at each distinct
//   value F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (TP + FP + P).

export interface RankingStats {
  /** null when there are no positives or no negatives. */
  auc: number | null;
  /** 0 when there are no positives. */
  bestF1: number;
  /** The threshold that reached bestF1 (score ≥ threshold counted as positive); null when bestF1 is 0. */
  bestThreshold: number | null;
}

export function rankingStats(positives: Float32Array | Float64Array, negatives: Float32Array | Float64Array): RankingStats {
  const pos = positives.slice().sort();
  const neg = negatives.slice().sort();
  const nPos = pos.length;
  const nNeg = neg.length;
  let i = nPos - 1; // next positive to visit, descending
  let j = nNeg - 1;
  let tp = 0;
  let fp = 0;
  let wins = 0; // pairs with pos > neg, plus half the tied pairs
  let bestF1 = 0;
  let bestThreshold: number | null = null;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    let cp = 0;
    let cn = 0;
    while (i >= 0 && pos[i] === v) { cp++; i--; }
    while (j >= 0 && neg[j] === v) { cn++; j--; }
    wins += cp * (j + 1) + 0.5 * cp * cn; // j + 1 negatives lie strictly below v
    tp += cp;
    fp += cn;
    const f1 = nPos === 0 ? 0 : (2 * tp) / (tp + fp + nPos);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = v;
    }
  }
  const auc = nPos === 0 || nNeg === 0 ? null : wins / (nPos * nNeg);
  return { auc, bestF1, bestThreshold };
}

/** Exact AUC of scores against 0/1 labels (ties count one half); null when one class is absent. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const { positives, negatives } = splitByLabel(scores, labels);
  return rankingStats(positives, negatives).auc;
}

export function splitByLabel(scores: ArrayLike<number>, labels: ArrayLike<number>): { positives: Float64Array; negatives: Float64Array } {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores but ${labels.length} labels`);
  let nPos = 0;
  for (let k = 0; k < labels.length; k++) if (labels[k]) nPos++;
  const positives = new Float64Array(nPos);
  const negatives = new Float64Array(labels.length - nPos);
  let a = 0;
  let b = 0;
  for (let k = 0; k < labels.length; k++) {
    if (labels[k]) positives[a++] = scores[k]!;
    else negatives[b++] = scores[k]!;
  }
  return { positives, negatives };
}
