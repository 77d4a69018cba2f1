// Float64 CPU reference implementations, written independently of the kernels, for the tests and
// `ncl selfcheck`.
export interface Arr {
  shape: number[];
  data: Float64Array;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function arr(shape: number[], data?: ArrayLike<number>): Arr {
  return { shape, data: data ? Float64Array.from(data) : new Float64Array(size(shape)) };
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

export function map(x: Arr, f: (v: number) => number): Arr {
  return { shape: [...x.shape], data: x.data.map(f) };
}

export function zip(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array(rank - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array(rank - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]!));
  const out = arr(shape);
  const sa = stridesOf(pa);
  const sb = stridesOf(pb);
  for (let i = 0; i < out.data.length; i++) {
    const c = coords(i, shape);
    let ia = 0;
    let ib = 0;
    c.forEach((v, d) => {
      ia += (pa[d] === 1 ? 0 : v) * sa[d]!;
      ib += (pb[d] === 1 ? 0 : v) * sb[d]!;
    });
    out.data[i] = f(a.data[ia]!, b.data[ib]!);
  }
  return out;
}

/** Reduce over `axes` with f starting from init, keeping reduced axes as size 1 if keep. */
export function reduce(x: Arr, axes: number[], f: (acc: number, v: number) => number, init: number, keep = false): Arr {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = arr(kept);
  out.data.fill(init);
  const so = stridesOf(kept);
  for (let i = 0; i < x.data.length; i++) {
    const c = coords(i, x.shape);
    let o = 0;
    c.forEach((v, d) => (o += (axes.includes(d) ? 0 : v) * so[d]!));
    out.data[o] = f(out.data[o]!, x.data[i]!);
  }
  return keep ? out : { shape: x.shape.filter((_, i) => !axes.includes(i)), data: out.data };
}

export function matmul(a: Arr, b: Arr, transA = false, transB = false): Arr {
  const A = a.shape.length === 2 ? { ...a, shape: [1, ...a.shape] } : a;
  const B = b.shape.length === 2 ? { ...b, shape: [1, ...b.shape] } : b;
  const nb = Math.max(A.shape[0]!, B.shape[0]!);
  const [ar, ac] = A.shape.slice(1) as [number, number];
  const [br, bc] = B.shape.slice(1) as [number, number];
  const M = transA ? ac : ar;
  const K = transA ? ar : ac;
  const N = transB ? br : bc;
  const out = arr([nb, M, N]);
  for (let z = 0; z < nb; z++) {
    const oa = A.shape[0] === 1 ? 0 : z * ar * ac;
    const ob = B.shape[0] === 1 ? 0 : z * br * bc;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const va = transA ? A.data[oa + k * ac + i]! : A.data[oa + i * ac + k]!;
          const vb = transB ? B.data[ob + j * bc + k]! : B.data[ob + k * bc + j]!;
          s += va * vb;
        }
        out.data[(z * M + i) * N + j] = s;
      }
    }
  }
  const batched = a.shape.length > 2 || b.shape.length > 2;
  return batched ? out : { shape: [M, N], data: out.data };
}

/** Softmax (or log-softmax) along axis. */
export function softmax(x: Arr, axis: number, log = false): Arr {
  const out = arr([...x.shape]);
  const A = size(x.shape.slice(0, axis));
  const R = x.shape[axis]!;
  const B = size(x.shape.slice(axis + 1));
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      const idx = (r: number) => (a * R + r) * B + b;
      let m = -Infinity;
      for (let r = 0; r < R; r++) m = Math.max(m, x.data[idx(r)]!);
      let s = 0;
      for (let r = 0; r < R; r++) s += Math.exp(x.data[idx(r)]! - m);
      for (let r = 0; r < R; r++) {
        const z = x.data[idx(r)]! - m;
        out.data[idx(r)] = log ? z - Math.log(s) : Math.exp(z) / s;
      }
    }
  }
  return out;
}

export function permute(x: Arr, perm: number[]): Arr {
  const shape = perm.map((p) => x.shape[p]!);
  const out = arr(shape);
  const sx = stridesOf(x.shape);
  for (let i = 0; i < out.data.length; i++) {
    const c = coords(i, shape);
    let j = 0;
    c.forEach((v, d) => (j += v * sx[perm[d]!]!));
    out.data[i] = x.data[j]!;
  }
  return out;
}

export function sliceRef(x: Arr, begin: number[], sz: number[]): Arr {
  const out = arr(sz);
  const sx = stridesOf(x.shape);
  for (let i = 0; i < out.data.length; i++) {
    const c = coords(i, sz);
    let j = 0;
    c.forEach((v, d) => (j += (v + begin[d]!) * sx[d]!));
    out.data[i] = x.data[j]!;
  }
  return out;
}

export function concatRef(xs: Arr[], axis: number): Arr {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
  const out = arr(shape);
  const so = stridesOf(shape);
  let at = 0;
  for (const t of xs) {
    for (let i = 0; i < t.data.length; i++) {
      const c = coords(i, t.shape);
      c[axis]! += at;
      out.data[c.reduce((o, v, d) => o + v * so[d]!, 0)] = t.data[i]!;
    }
    at += t.shape[axis]!;
  }
  return out;
}
