// Who counts in the contrastive loss, and how much (docs/method.md §5), worked out on the host from
// the per-row class ids (−1 = ignore):
//   - valid rows: y_i ≠ −1 (only they enter any denominator);
//   - kept anchors: valid rows whose class has another valid member (|P_i| = n_c − 1 ≥ 1);
//   - weight w_i = a_i / Σ_kept a_k for kept anchors (a_i the anchor weights, default 1: w_i = 1/M
//     for the M kept anchors), 0 otherwise, and 1/|P_i| (0 otherwise);
//   - the members of each class, for the class sums S_c.
// Class ids may be any non-negative integers; they are renumbered 0..C−1 in increasing order.
// The plan is host arrays (ContrastivePlan); the fused op uploads it (src/ncl/ops/).
import type { ContrastivePlan } from '../ops/contrastive-plan-upload.ts';

export function contrastivePlan(labels: ArrayLike<number>, anchorWeights?: ArrayLike<number>): ContrastivePlan {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < -1) throw new Error(`contrastive labels: row ${i} has class ${y}; expected an integer ≥ 0, or −1 to ignore the row`);
  }
  if (anchorWeights && anchorWeights.length !== n) throw new Error(`contrastive anchor weights: ${anchorWeights.length} weights for ${n} rows`);
  const a = (i: number) => anchorWeights?.[i] ?? 1;
  for (let i = 0; i < n; i++) if (!(a(i) >= 0 && Number.isFinite(a(i)))) throw new Error(`contrastive anchor weights: row ${i} has weight ${a(i)}; expected a finite number ≥ 0`);
  const ids = [...new Set(Array.from(labels).filter((y) => y >= 0))].sort((a, b) => a - b);
  const dense = new Map(ids.map((y, c) => [y, c]));
  const classOf = Int32Array.from(labels, (y) => (y >= 0 ? dense.get(y)! : -1));
  const classStart = new Uint32Array(ids.length + 1);
  for (const c of classOf) if (c >= 0) classStart[c + 1]!++;
  for (let c = 0; c < ids.length; c++) classStart[c + 1]! += classStart[c]!;
  const fill = classStart.slice(0, ids.length);
  const members = new Uint32Array(classStart[ids.length]!);
  classOf.forEach((c, i) => {
    if (c >= 0) members[fill[c]!++] = i;
  });
  const size = (c: number) => classStart[c + 1]! - classStart[c]!;
  const isKept = (c: number) => c >= 0 && size(c) >= 2;
  let kept = 0;
  let weightSum = 0;
  classOf.forEach((c, i) => {
    if (!isKept(c)) return;
    kept++;
    weightSum += a(i);
  });
  const weight = Float32Array.from(classOf, (c, i) => (isKept(c) && weightSum > 0 ? a(i) / weightSum : 0));
  const posScale = Float32Array.from(classOf, (c) => (isKept(c) ? 1 / (size(c) - 1) : 0));
  let largestClass = 0;
  for (let c = 0; c < ids.length; c++) largestClass = Math.max(largestClass, size(c));
  return { n, classes: ids.length, largestClass, kept, classOf, weight, posScale, classStart, members };
}
