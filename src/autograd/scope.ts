// Scopes: which tensors an expression created (so `tidy` can release them deterministically)
// and whether operations record a graph (`noGrad`). A scope holds anything disposable that
// registered itself with track() — tensors do, when they are made.

interface Disposable {
  dispose(): void;
}

const scopes: Array<Set<Disposable>> = [];
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording a graph: results have no creator and need no gradient. */
export function noGrad<T>(fn: () => T): T {
  const saved = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = saved;
  }
}

export function track(t: Disposable): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Takes a tensor out of every enclosing tidy scope: it lives until disposed explicitly. */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

/** The members of `scope` in `value`: itself, or inside arrays and plain objects. */
function collect(value: unknown, scope: Set<Disposable>, into: Set<Disposable>): void {
  if (scope.has(value as Disposable)) into.add(value as Disposable);
  else if (Array.isArray(value)) for (const v of value) collect(v, scope, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, scope, into);
  }
}

/**
 * Runs fn (synchronous) and disposes every tensor it created, except the tensors it returns (alone, in an array
 * or in a plain object) and those passed to keep(). Returned tensors join the enclosing scope.
 * Release order is creation order, so it is the same on every run. If fn throws, everything it
 * created is released and the error passes on.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  scopes.pop();
  const survivors = new Set<Disposable>();
  collect(result, scope, survivors);
  for (const t of scope) if (!survivors.has(t)) t.dispose();
  for (const t of survivors) track(t);
  return result;
}
