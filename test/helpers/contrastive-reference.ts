// Float64 CPU reference of the contrastive loss (ncl-method.md §5), straight from the definition,
// and of its analytic gradient (§6), written pair by pair with no class-sum shortcut.

/** L_con for z (N×D, row-major) and labels (−1 = ignore). */
export function contrastiveLossRef(z: Float64Array, labels: readonly number[], d: number, tau: number): number {
  const n = labels.length;
  const s = (i: number, j: number) => {
    let acc = 0;
    for (let k = 0; k < d; k++) acc += z[i * d + k]! * z[j * d + k]!;
    return acc / tau;
  };
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
    const m = Math.max(...others);
    const lse = m + Math.log(others.reduce((a, v) => a + Math.exp(v - m), 0));
    total += lse - positives.reduce((a, v) => a + v, 0) / positives.length;
    kept++;
  }
  return kept === 0 ? 0 : total / kept;
}

/** dL/dz by the formula of §6. */
export function contrastiveGradRef(z: Float64Array, labels: readonly number[], d: number, tau: number): Float64Array {
  const n = labels.length;
  const valid = labels.map((y) => y !== -1);
  const classSize = labels.map((y) => labels.filter((v) => v === y).length);
  const kept = labels.map((_, i) => valid[i]! && classSize[i]! >= 2);
  const M = kept.filter(Boolean).length;
  const grad = new Float64Array(n * d);
  if (M === 0) return grad;
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
  const w = kept.map((k) => (k ? 1 / M : 0));
  const p = (i: number, j: number) => (pair(i, j) && w[i]! > 0 ? Math.exp(s[i * n + j]! - lse[i]!) : 0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (w[k]! * p(k, j) + w[j]! * p(j, k)) / tau;
      if (a !== 0) for (let e = 0; e < d; e++) grad[k * d + e]! += a * z[j * d + e]!;
    }
    if (kept[k]) {
      const c = 2 / (tau * M * (classSize[k]! - 1));
      for (let j = 0; j < n; j++) {
        if (j === k || labels[j] !== labels[k]) continue;
        for (let e = 0; e < d; e++) grad[k * d + e]! -= c * z[j * d + e]!;
      }
    }
  }
  return grad;
}
