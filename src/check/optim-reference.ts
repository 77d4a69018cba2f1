// Float64 update rules of SGD (momentum, L2 weight decay) and AdamW (decoupled weight decay), one
// step in place, and the clipping factor by global norm: for the tests and `ncl selfcheck`.

/** min(1, maxNorm / (‖g‖ + 1e-6)) over all gradients; 1 without clipping. */
export function clipScaleRef(grads: ArrayLike<number>[], maxNorm: number | undefined): number {
  if (maxNorm === undefined) return 1;
  let squares = 0;
  for (const g of grads) for (let k = 0; k < g.length; k++) squares += g[k]! * g[k]!;
  return Math.min(1, maxNorm / (Math.sqrt(squares) + 1e-6));
}

/** g = s·grad + λw;  v ← μv + g;  w ← w − lr·v. */
export function sgdStepRef(w: Float64Array, velocity: Float64Array, grad: ArrayLike<number>, o: { lr: number; momentum: number; weightDecay: number; scale?: number }): void {
  for (let k = 0; k < w.length; k++) {
    const g = (o.scale ?? 1) * grad[k]! + o.weightDecay * w[k]!;
    velocity[k] = o.momentum * velocity[k]! + g;
    w[k] = w[k]! - o.lr * velocity[k]!;
  }
}

/** Step t (from 1): m, v moving averages of g = s·grad and g², bias-corrected;
 *  w ← w − lr·(m̂ / (√v̂ + 1e-8) + λw), β = (0.9, 0.999). */
export function adamwStepRef(w: Float64Array, m: Float64Array, v: Float64Array, grad: ArrayLike<number>, t: number, o: { lr: number; weightDecay: number; scale?: number }): void {
  for (let k = 0; k < w.length; k++) {
    const g = (o.scale ?? 1) * grad[k]!;
    m[k] = 0.9 * m[k]! + 0.1 * g;
    v[k] = 0.999 * v[k]! + 0.001 * g * g;
    const mh = m[k]! / (1 - 0.9 ** t);
    const vh = v[k]! / (1 - 0.999 ** t);
    w[k] = w[k]! - o.lr * (mh / (Math.sqrt(vh) + 1e-8) + o.weightDecay * w[k]!);
  }
}
