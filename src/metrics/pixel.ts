// Pixel-level metrics of one image: a probability map against its binary ground-truth mask, both
// H×W at the mask's resolution. A pixel is predicted manipulated when its probability is > the
// threshold (0.5 by default; "> 0.5" matches the argmax of a 2-class softmax, ties to authentic).
import { rankingStats } from './ranking.ts';

export interface PixelCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface PixelMetrics extends PixelCounts {
  /** Manipulated pixels in the ground truth. */
  positives: number;
  /** F1 at the threshold, 2TP / (2TP + FP + FN); null when the mask has no manipulated pixel. */
  f1: number | null;
  /** Best F1 over all thresholds, for this image alone; null when the mask has no manipulated pixel. */
  bestF1: number | null;
  /** AUC on the probabilities, exact with ties; null when the mask is all one class. */
  auc: number | null;
  /** TP / (TP + FP + FN); null when the mask has no manipulated pixel. */
  iou: number | null;
  /** (TP + TN) / pixels. */
  accuracy: number;
}

export function confusionCounts(prob: Float32Array, mask: Uint8Array, threshold = 0.5): PixelCounts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let k = 0; k < mask.length; k++) {
    const predicted = prob[k]! > threshold;
    if (mask[k]) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  return { tp, fp, fn, tn };
}

export function pixelMetrics(prob: Float32Array, mask: Uint8Array, threshold = 0.5): PixelMetrics {
  if (prob.length !== mask.length) throw new Error(`probability map has ${prob.length} pixels but mask has ${mask.length}`);
  for (let k = 0; k < prob.length; k++) {
    if (Number.isNaN(prob[k])) throw new Error(`probability map has NaN at pixel ${k}`);
  }
  const counts = confusionCounts(prob, mask, threshold);
  const positives = counts.tp + counts.fn;
  const { positives: posScores, negatives: negScores } = splitPixels(prob, mask, positives);
  const ranking = rankingStats(posScores, negScores);
  const tampered = positives > 0;
  return {
    ...counts,
    positives,
    f1: tampered ? (2 * counts.tp) / (2 * counts.tp + counts.fp + counts.fn) : null,
    bestF1: tampered ? ranking.bestF1 : null,
    auc: ranking.auc,
    iou: tampered ? counts.tp / (counts.tp + counts.fp + counts.fn) : null,
    accuracy: (counts.tp + counts.tn) / mask.length,
  };
}

function splitPixels(prob: Float32Array, mask: Uint8Array, positives: number): { positives: Float32Array; negatives: Float32Array } {
  const pos = new Float32Array(positives);
  const neg = new Float32Array(mask.length - positives);
  let a = 0;
  let b = 0;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k]) pos[a++] = prob[k]!;
    else neg[b++] = prob[k]!;
  }
  return { positives: pos, negatives: neg };
}
