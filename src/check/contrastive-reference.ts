// Float64 CPU reference of the contrastive loss (docs/method.md §5), straight from the definition,
// and of its analytic gradient (§6), written pair by pair with no class-sum shortcut. Anchor
// weights a_i (default 1) weigh each kept anchor's ℓ_i; they are normalised over the kept anchors.
import { maxOf } from '../common/extent.ts';

/** L_con = Σ_kept a_i ℓ_i / Σ_kept a_i for z (N×D, row-major) and labels (−1 = ignore). */
export function contrastiveLossRef(z: Float64Array, labels: readonly number[], d: number, tau: number, anchorWeights?: readonly number[]): number {
  const n = labels.length;
  const s = (i: number, j: number) => {
    let acc = 0;
    for (let k = 0; k < d; k++) acc += z[i * d + k]! * z[j * d + k]!;
    return acc / tau;
  };
  const a = (i: number) => anchorWeights?.[i] ?? 1;
  let total = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === -1) continue;
    const others: number[] = [];
    const positives: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i || labels[j] === -1) continue;
      others.push(s(i, j));
      if (labels[j] === labels[i]) positives.push(s(i, j));
    }
    if (positives.length === 0) continue;
    const m = maxOf(others);
    const lse = m + Math.log(others.reduce((a, v) => a + Math.exp(v - m), 0));
    total += a(i) * (lse - positives.reduce((acc, v) => acc + v, 0) / positives.length);
    kept += a(i);
  }
  return kept === 0 ? 0 : total / kept;
}

/** dL/dz by the formula of §6 (6.2), with w_i = a_i / Σ_kept a_k. */
export function contrastiveGradRef(z: Float64Array, labels: readonly number[], d: number, tau: number, anchorWeights?: readonly number[]): Float64Array {
  const n = labels.length;
  const valid = labels.map((y) => y !== -1);
  const classSize = labels.map((y) => labels.filter((v) => v === y).length);
  const kept = labels.map((_, i) => valid[i]! && classSize[i]! >= 2);
  const a = (i: number) => (kept[i] ? (anchorWeights?.[i] ?? 1) : 0);
  const total = labels.reduce((acc, _y, i) => acc + a(i), 0);
  const grad = new Float64Array(n * d);
  if (total === 0) return grad;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += z[i * d + k]! * z[j * d + k]!;
      s[i * n + j] = acc / tau;
    }
  }
  const pair = (i: number, j: number) => i !== j && valid[i]! && valid[j]!;
  const lse = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (pair(i, j)) m = Math.max(m, s[i * n + j]!);
    let acc = 0;
    for (let j = 0; j < n; j++) if (pair(i, j)) acc += Math.exp(s[i * n + j]! - m);
    lse[i] = m + Math.log(acc);
  }
  const w = labels.map((_y, i) => a(i) / total);
  const p = (i: number, j: number) => (pair(i, j) && w[i]! > 0 ? Math.exp(s[i * n + j]! - lse[i]!) : 0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const c = (w[k]! * p(k, j) + w[j]! * p(j, k)) / tau;
      if (c !== 0) for (let e = 0; e < d; e++) grad[k * d + e]! += c * z[j * d + e]!;
    }
    if (kept[k]) {
      // s_kj appears in the positive terms of anchor k and of anchor j (same class, same |P|).
      for (let j = 0; j < n; j++) {
        if (j === k || labels[j] !== labels[k]) continue;
        const c = (w[k]! + w[j]!) / (tau * (classSize[k]! - 1));
        for (let e = 0; e < d; e++) grad[k * d + e]! -= c * z[j * d + e]!;
      }
    }
  }
  return grad;
}

/**
 * Loss and gradient when the N rows are copies of a few typed rows: row i is vectors[i % T], with
 * label labels[i % T]. Every sum over rows becomes a sum over types with multiplicities, so large N
 * costs O(T²·D). Returns the gradient per type (all rows of a type share it).
 */
export function typedRowsRef(vectors: number[][], labels: number[], n: number, tau: number): { loss: number; grad: number[][] } {
  const T = vectors.length;
  const d = vectors[0]!.length;
  const count = vectors.map((_, t) => Math.floor(n / T) + (t < n % T ? 1 : 0));
  const valid = (t: number) => labels[t] !== -1;
  const s = vectors.map((a) => vectors.map((b) => a.reduce((acc, x, k) => acc + x * b[k]!, 0) / tau));
  const classSize = (t: number) => count.reduce((acc, m, h) => acc + (labels[h] === labels[t] ? m : 0), 0);
  const kept = (t: number) => valid(t) && classSize(t) >= 2;
  const M = count.reduce((acc, m, t) => acc + (kept(t) ? m : 0), 0);
  const others = (t: number, h: number) => count[h]! - (h === t ? 1 : 0);
  const lse = vectors.map((_, t) => Math.log(count.reduce((acc, _m, h) => acc + (valid(h) ? others(t, h) * Math.exp(s[t]![h]!) : 0), 0)));
  let loss = 0;
  for (let t = 0; t < T; t++) {
    if (!kept(t)) continue;
    const pos = count.reduce((acc, _m, h) => acc + (labels[h] === labels[t] ? others(t, h) * s[t]![h]! : 0), 0) / (classSize(t) - 1);
    loss += count[t]! * (lse[t]! - pos);
  }
  const grad = vectors.map((_, k) => {
    const g = new Array<number>(d).fill(0);
    if (!valid(k) || M === 0) return g;
    for (let h = 0; h < T; h++) {
      if (!valid(h)) continue;
      const a = ((kept(k) ? Math.exp(s[k]![h]! - lse[k]!) : 0) + (kept(h) ? Math.exp(s[h]![k]! - lse[h]!) : 0)) / (M * tau);
      const p = kept(k) && labels[h] === labels[k] ? 2 / (tau * M * (classSize(k) - 1)) : 0;
      for (let e = 0; e < d; e++) g[e]! += others(k, h) * (a - p) * vectors[h]![e]!;
    }
    return g;
  });
  return { loss: M === 0 ? 0 : loss / M, grad };
}
