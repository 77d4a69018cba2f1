// The smallest and largest of many numbers, without spreading them into Math.min / Math.max: a
// spread passes every value as an argument, and the engine's argument limit is the stack (the
// pixels of one 256 px image overflow it). Like Math.min() and Math.max(), an empty list gives
// Infinity and −Infinity, and a NaN anywhere gives NaN.
export function minOf(values: Iterable<number>): number {
  let least = Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < least) least = v;
  }
  return least;
}

export function maxOf(values: Iterable<number>): number {
  let most = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > most) most = v;
  }
  return most;
}
