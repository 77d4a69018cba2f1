// The tolerance rule of every check against a reference (the tests and `ncl selfcheck`): an element
// passes when |got − want| ≤ atol + rtol·|want|; a non-finite result never passes.

/** |got − want| / (atol + rtol·|want|) of one element; ≤ 1 passes (0 when equal, even at zero tolerance). */
export function excess(g: number, w: number, atol: number, rtol: number): number {
  const diff = Math.abs(g - w);
  return diff === 0 ? 0 : diff / (atol + rtol * Math.abs(w));
}

/** Largest |got − want| / (atol + rtol·|want|); ≤ 1 means within tolerance. */
export function closeness(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!Number.isFinite(g)) return Infinity;
    worst = Math.max(worst, excess(g, w, atol, rtol));
  }
  return worst;
}
