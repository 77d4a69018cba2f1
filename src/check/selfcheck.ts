// `ncl selfcheck`: every kernel family against float64 CPU arithmetic (src/check/*-reference.ts)
// on this adapter, on shapes that span at least two tiles and a remainder, so a user on a new GPU
// or browser can trust the engine in seconds. Engine code only (no Node): the CLI runs it on Node
// and, with --browser, in headless Chromium.
//
// Each check compares one output: it passes when |got − want| ≤ atol + rtol·|want| everywhere
// (exactly equal where atol = rtol = 0). Gradients are exact float64 gradients where the op has a
// closed form (conv, losses, gather, contrastive); for resize and pooling, which are positively
// homogeneous of degree 1, Euler's identity Σ x·∂(Σ R·f(x))/∂x = Σ R·f(x) checks the whole
// backward kernel against the float64 forward in one number.
import { backward } from '../autograd/backward.ts';
import { keep, noGrad, tidy } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import { Rng } from '../common/rng.ts';
import * as ncl from '../index.ts';
import { CONTRASTIVE_TILINGS } from '../kernels/contrastive.ts';
import { CONV_TILINGS } from '../kernels/conv.ts';
import { convGeometry, type Conv2dOptions } from '../kernels/conv-geometry.ts';
import { MATMUL_CANDIDATES, MATMUL_TILINGS, type MatmulTiling } from '../kernels/matmul.ts';
import { REDUCE_ROWS } from '../kernels/reduce.ts';
import { sumsVariantName } from '../kernels/variant-names.ts';
import type { KernelProfile, Runtime } from '../runtime/runtime.ts';
import { moments, refNorm } from './batchnorm-reference.ts';
import { BATCHNORM_SUMS, BATCHNORM_SUMS_CANDIDATES } from '../kernels/batchnorm.ts';
import { contrastiveGradRef, contrastiveLossRef } from './contrastive-reference.ts';
import { eachTap, refConv } from './conv-reference.ts';
import { keptCpu } from './dropout-reference.ts';
import { refBce, refCrossEntropy } from './loss-reference.ts';
import { adamwStepRef, sgdStepRef } from './optim-reference.ts';
import { poolRef } from './patch-reference.ts';
import { refPool } from './pool-reference.ts';
import { closeness } from './compare.ts';
import { arr, matmul as refMatmul, reduce as refReduce, softmax as refSoftmax, type Arr } from './reference.ts';
import { refBilinear, refNearest } from './resize-reference.ts';
import { maxOf } from '../common/extent.ts';

/** One compared output. */
export interface Part {
  name: string;
  got: ArrayLike<number>;
  want: ArrayLike<number>;
  atol: number;
  rtol: number;
}

interface Check {
  family: string;
  run: () => Promise<Part[]>;
}

export interface CheckResult {
  family: string;
  check: string;
  /** Largest |got − want| (Infinity where got is not finite). */
  maxAbsError: number;
  atol: number;
  rtol: number;
  ok: boolean;
  ms: number;
  /** Set when the check threw instead of producing outputs. */
  failure?: string;
}

/** Seeded values in [lo, hi), rounded to f32 so the reference sees what the device sees. */
function values(shape: number[], seed: number, lo = -1, hi = 1): Arr {
  const rng = Rng.fromSeed(seed, 0x5e1f);
  const a = arr(shape);
  for (let i = 0; i < a.data.length; i++) a.data[i] = Math.fround(rng.uniform(lo, hi));
  return a;
}

const dev = (a: Arr, requiresGrad = false) => Tensor.fromArray(Float32Array.from(a.data), a.shape, { requiresGrad });
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

function matmulCheck(name: string, tiling: MatmulTiling): Check {
  return {
    family: 'matmul',
    run: () =>
      MATMUL_TILINGS.with(tiling, async () => {
        // Two 64-wide tiles (or one 128-wide) and a remainder each way (M 130, N 150), K 260 (split-K:
        // slices of 48 or 80, the last shorter); Bᵀ as the contrastive product reads it.
        const a = values([130, 260], 1);
        const b = values([150, 260], 2);
        const got = await ncl.matmul(dev(a), dev(b), { transB: true }).data();
        return [{ name: `${name} 130×260 · (150×260)ᵀ`, got, want: refMatmul(a, b, false, true).data, atol: 1e-4, rtol: 1e-4 }];
      }),
  };
}

/** Forward, input and weight gradient of one convolution against the direct float64 sums. */
function convCheck(label: string, profile: KernelProfile, x: number[], w: number[], o: Conv2dOptions): Check {
  return {
    family: 'conv2d',
    run: () =>
      CONV_TILINGS.with(CONV_TILINGS.defaults[profile], async () => {
        const xs = values(x, 11);
        const ws = values(w, 12);
        const g = convGeometry(x, w, o);
        const r = values([g.N, g.Cout, g.Ho, g.Wo], 13);
        const dx = arr(x);
        const dw = arr(w);
        eachTap(g, (yi, wi, xi) => {
          dx.data[xi]! += r.data[yi]! * ws.data[wi]!;
          dw.data[wi]! += r.data[yi]! * xs.data[xi]!;
        });
        const tx = dev(xs, true);
        const tw = dev(ws, true);
        const y = tidy(() => {
          const out = ncl.conv2d(tx, tw, null, o);
          backward(ncl.sum(ncl.mul(out, dev(r))));
          return out;
        });
        const name = `${label} (${profile} tiling)`;
        return [
          { name: `${name} forward`, got: await y.data(), want: refConv(xs, ws, null, o).data, atol: 1e-4, rtol: 1e-4 },
          { name: `${name} input gradient`, got: await tx.grad!.data(), want: dx.data, atol: 2e-4, rtol: 1e-3 },
          { name: `${name} weight gradient`, got: await tw.grad!.data(), want: dw.data, atol: 2e-4, rtol: 1e-3 },
        ];
      }),
  };
}

/** d(Σ R·f(x))/dx of a degree-1 homogeneous f, checked through Euler's identity (see the header). */
async function eulerGradient(name: string, x: Arr, f: (t: Tensor) => Tensor, reference: Arr): Promise<Part> {
  const r = values(reference.shape, 21);
  const tx = dev(x, true);
  tidy(() => backward(ncl.sum(ncl.mul(f(tx), dev(r)))));
  const grad = await tx.grad!.data();
  return { name: `${name} gradient (Σ x·g = Σ R·f(x))`, got: [dot(x.data, grad)], want: [dot(reference.data, r.data)], atol: 1e-3, rtol: 1e-4 };
}

function contrastiveCheck(profile: KernelProfile): Check {
  return {
    family: 'contrastive (fused)',
    run: () =>
      CONTRASTIVE_TILINGS.with(CONTRASTIVE_TILINGS.defaults[profile], async () => {
        // N = 1100 rows: two of the cpu tiling's 512-row workgroups and a remainder, 17 of the gpu
        // tiling's 64-row blocks and a remainder, in several column splits; three classes, every ninth ignored.
        const n = 1100;
        const d = 32;
        const z = values([n, d], 31);
        for (let i = 0; i < n; i++) {
          const row = z.data.subarray(i * d, (i + 1) * d);
          const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
          row.forEach((v, k) => (row[k] = Math.fround(v / norm)));
        }
        const labels = Array.from({ length: n }, (_, i) => (i % 9 === 4 ? -1 : i % 3));
        const tz = dev(z, true);
        const loss = tidy(() => {
          const l = keep(ncl.contrastiveLoss(tz, labels, { tau: 0.1, fused: true }));
          backward(l);
          return l;
        });
        const name = `N=${n} D=${d} τ=0.1 (${profile} tiling)`;
        return [
          { name: `${name} loss`, got: [await loss.item()], want: [contrastiveLossRef(z.data, labels, d, 0.1)], atol: 1e-4, rtol: 1e-4 },
          { name: `${name} gradient`, got: await tz.grad!.data(), want: contrastiveGradRef(z.data, labels, d, 0.1), atol: 1e-5, rtol: 1e-3 },
        ];
      }),
  };
}

const CHECKS: Check[] = [
  // Every tiling the tuner may choose (the profiles' defaults among them).
  ...MATMUL_CANDIDATES.map((t) => matmulCheck(`${t.variant} ${t.tm}×${4 * t.tn4} per invocation, ${t.wgx}×${t.wgy}${t.splitK ? `, split-K ${t.splitK}` : ''}`, t)),
  ...(['cpu', 'gpu'] as const).flatMap((p) => [
    // 270 output channels, 286 output pixels, 180 weight columns: two tiles and a remainder each way.
    convCheck('2×20×13×11 → 270, 3×3 p1', p, [2, 20, 13, 11], [270, 20, 3, 3], { padding: 1 }),
    convCheck('stride 2, dilation 2, groups 2: 2×8×15×13 → 70', p, [2, 8, 15, 13], [70, 4, 3, 3], { stride: 2, padding: 2, dilation: 2, groups: 2 }),
  ]),
  // Every cut of the channel sums the tuner may choose where this adapter can run it (the
  // subgroup forms need subgroups: adapterSummary says whether they ran); eval mode once.
  ...BATCHNORM_SUMS_CANDIDATES.map((v): Check => ({
    family: 'batch norm',
    run: async () => {
      if (BATCHNORM_SUMS.unavailable(v) !== null) return [];
      const x = values([3, 20, 45, 37], 41, -2, 2); // 4995 values per channel: one piece, or two of 4096 (256 × 16), or five of 1024
      const w = values([20], 42, 0.5, 1.5);
      const b = values([20], 43);
      const m = moments(x);
      const train = await BATCHNORM_SUMS.with(v, () => ncl.batchNorm2d(dev(x), dev(w), dev(b), { training: true }).data());
      return [{ name: `train 3×20×45×37 (batch statistics), channel sums ${sumsVariantName(v)}`, got: train, want: refNorm(x, w, b, m.mean, m.variance).data, atol: 1e-4, rtol: 1e-4 }];
    },
  })),
  {
    family: 'batch norm',
    run: async () => {
      const x = values([3, 20, 45, 37], 41, -2, 2);
      const w = values([20], 42, 0.5, 1.5);
      const b = values([20], 43);
      const runningMean = values([20], 44);
      const runningVar = values([20], 45, 0.5, 2);
      const evalMode = await ncl.batchNorm2d(dev(x), dev(w), dev(b), { training: false, runningMean: dev(runningMean), runningVar: dev(runningVar) }).data();
      return [{ name: 'eval 3×20×45×37 (running statistics)', got: evalMode, want: refNorm(x, w, b, runningMean.data, runningVar.data).data, atol: 1e-5, rtol: 1e-5 }];
    },
  },
  {
    family: 'resize',
    run: async () => {
      const x = values([2, 3, 13, 17], 51);
      const parts: Part[] = [];
      for (const align of [true, false]) {
        const want = refBilinear(x, 37, 29, align);
        const f = (t: Tensor) => ncl.resizeBilinear(t, [37, 29], { alignCorners: align });
        parts.push({ name: `bilinear 13×17 → 37×29, align corners ${align}`, got: await noGrad(() => f(dev(x))).data(), want: want.data, atol: 1e-5, rtol: 1e-5 });
        parts.push(await eulerGradient(`bilinear align corners ${align}`, x, f, want));
      }
      const near = refNearest(x, 30, 11);
      parts.push({ name: 'nearest 13×17 → 30×11', got: await ncl.resizeNearest(dev(x), [30, 11]).data(), want: near.data, atol: 0, rtol: 0 });
      parts.push(await eulerGradient('nearest', x, (t) => ncl.resizeNearest(t, [30, 11]), near));
      return parts;
    },
  },
  {
    family: 'pooling',
    run: async () => {
      const x = values([2, 5, 19, 23], 61);
      const o = { kernel: 3, stride: 2, padding: 1 };
      const max = refPool(x, o, true);
      const avg = refPool(x, o, false);
      return [
        { name: 'max 3×3 s2 p1 on 19×23', got: await ncl.maxPool2d(dev(x), o).data(), want: max.data, atol: 0, rtol: 0 },
        await eulerGradient('max 3×3 s2 p1', x, (t) => ncl.maxPool2d(t, o), max),
        { name: 'avg 3×3 s2 p1 on 19×23', got: await ncl.avgPool2d(dev(x), o).data(), want: avg.data, atol: 1e-6, rtol: 1e-5 },
        await eulerGradient('avg 3×3 s2 p1', x, (t) => ncl.avgPool2d(t, o), avg),
      ];
    },
  },
  {
    family: 'losses',
    run: async () => {
      const z = values([2, 3, 11, 13], 71, -3, 3);
      const t = arr([2, 11, 13], Array.from({ length: 2 * 11 * 13 }, (_, i) => (i % 17 === 5 ? -1 : (i * 7) % 3)));
      const weights = [1, 2.5, 0.5];
      const tz = dev(z, true);
      const ce = tidy(() => {
        const l = keep(ncl.softmaxCrossEntropy(tz, dev(t), { classWeights: ncl.tensor(weights, [3]), ignoreIndex: -1 }));
        backward(l);
        return l;
      });
      // ∂L/∂z = w_y (softmax(z) − onehot(y)) / Σ w_y over the pixels not ignored.
      const hw = 11 * 13;
      const dz = arr(z.shape);
      let wsum = 0;
      for (let i = 0; i < t.data.length; i++) if (t.data[i]! >= 0) wsum += weights[t.data[i]!]!;
      for (let n = 0; n < 2; n++)
        for (let p = 0; p < hw; p++) {
          const y = t.data[n * hw + p]!;
          if (y < 0) continue;
          const zs = [0, 1, 2].map((c) => z.data[(n * 3 + c) * hw + p]!);
          const m = maxOf(zs);
          const e = zs.map((v) => Math.exp(v - m));
          const s = e.reduce((a, v) => a + v, 0);
          for (let c = 0; c < 3; c++) dz.data[(n * 3 + c) * hw + p] = (weights[y]! * (e[c]! / s - (c === y ? 1 : 0))) / wsum;
        }
      const x = values([2, 1, 9, 7], 72, -4, 4);
      const target = values([2, 1, 9, 7], 73, 0, 1);
      return [
        { name: 'softmax cross-entropy 2×3×11×13, class weights, ignored pixels', got: [await ce.item()], want: refCrossEntropy(z, t, weights, -1).data, atol: 1e-5, rtol: 1e-5 },
        { name: 'softmax cross-entropy gradient', got: await tz.grad!.data(), want: dz.data, atol: 1e-6, rtol: 1e-4 },
        { name: 'BCE with logits, pos_weight 2, soft targets', got: [await ncl.bceWithLogits(dev(x), dev(target), { posWeight: 2 }).item()], want: refBce(x, target, 2).data, atol: 1e-5, rtol: 1e-5 },
      ];
    },
  },
  // Both ways of reducing the contiguous axis (the profiles' defaults): by invocation, and by
  // workgroups over pieces with a second pass; the middle axis (B > 1), by invocation in both.
  ...(['cpu', 'gpu'] as const).map((profile): Check => ({
    family: 'reductions',
    run: () =>
      REDUCE_ROWS.with(REDUCE_ROWS.defaults[profile], async () => {
        const x = values([3, 9001], 91);
        return [
          { name: `sum over 9001 (last axis), ${profile} profile`, got: await ncl.sum(dev(x), 1).data(), want: refReduce(x, [1], (a, v) => a + v, 0).data, atol: 1e-4, rtol: 1e-5 },
          { name: `max over 9001 (last axis), ${profile} profile`, got: await ncl.max(dev(x), 1).data(), want: refReduce(x, [1], Math.max, -Infinity).data, atol: 0, rtol: 0 },
        ];
      }),
  })),
  {
    family: 'reductions',
    run: async () => {
      const y = values([5, 700, 3], 92);
      return [{ name: 'sum over 700 (middle axis)', got: await ncl.sum(dev(y), 1).data(), want: refReduce(y, [1], (a, v) => a + v, 0).data, atol: 1e-4, rtol: 1e-5 }];
    },
  },
  {
    family: 'softmax',
    run: async () => {
      const x = values([7, 300, 3], 81, -10, 10);
      return [
        { name: 'softmax over 300 (middle axis)', got: await ncl.softmax(dev(x), 1).data(), want: refSoftmax(x, 1).data, atol: 1e-6, rtol: 1e-4 },
        { name: 'log-softmax over 300 (middle axis)', got: await ncl.logSoftmax(dev(x), 1).data(), want: refSoftmax(x, 1, true).data, atol: 1e-4, rtol: 1e-5 },
      ];
    },
  },
  {
    family: 'dropout',
    run: async () => {
      const n = 50_000;
      const [p, seed, step] = [0.3, 987654321, 17];
      const got = await ncl.dropout(ncl.ones([n]), p, { seed, step }).data();
      const want = Array.from({ length: n }, (_, i) => (keptCpu(i, seed, step, p) ? Math.fround(1 / (1 - p)) : 0));
      return [{ name: `mask of ${n} elements, p = ${p} (the CPU hash, exactly)`, got, want, atol: 0, rtol: 0 }];
    },
  },
  {
    family: 'gather / scatter',
    run: async () => {
      const rows = 300;
      const indices = Int32Array.from({ length: 2000 }, (_, i) => (i * 7919) % rows);
      const index = new ncl.RowIndex(indices, rows);
      const x = values([rows, 33], 91);
      const r = values([indices.length, 33], 92);
      const tx = dev(x, true);
      const y = tidy(() => {
        const out = ncl.gatherRows(tx, index);
        backward(out, dev(r));
        return out;
      });
      const want = arr([indices.length, 33]);
      const dx = arr([rows, 33]);
      indices.forEach((row, i) => {
        want.data.set(x.data.subarray(row * 33, row * 33 + 33), i * 33);
        for (let k = 0; k < 33; k++) dx.data[row * 33 + k]! += r.data[i * 33 + k]!;
      });
      const parts = [
        { name: 'gatherRows 2000 of 300 rows', got: await y.data(), want: want.data, atol: 0, rtol: 0 },
        { name: 'scatter of its gradient (repeated rows summed)', got: await tx.grad!.data(), want: dx.data, atol: 1e-5, rtol: 1e-5 },
      ];
      index.dispose();
      return parts;
    },
  },
  {
    family: 'optimisers',
    run: async () => {
      const w0 = values([1000], 101);
      const grads = [1, 2, 3].map((s) => values([1000], 101 + s));
      const run = async (make: (p: Tensor[]) => ncl.Optimizer, step: (w: Float64Array, t: number) => void) => {
        const p = dev(w0, true);
        const opt = make([p]);
        const w = Float64Array.from(w0.data);
        for (let t = 1; t <= grads.length; t++) {
          p.zeroGrad();
          p.grad = keep(dev(grads[t - 1]!));
          opt.step();
          step(w, t);
        }
        const got = await p.data();
        opt.dispose();
        return { got, want: w };
      };
      const velocity = new Float64Array(1000);
      const sgd = await run(
        (p) => new ncl.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 1e-2 }),
        (w, t) => sgdStepRef(w, velocity, grads[t - 1]!.data, { lr: 0.1, momentum: 0.9, weightDecay: 1e-2 }),
      );
      const [m, v] = [new Float64Array(1000), new Float64Array(1000)];
      const adamw = await run(
        (p) => new ncl.AdamW(p, { lr: 0.01, weightDecay: 0.05 }),
        (w, t) => adamwStepRef(w, m, v, grads[t - 1]!.data, t, { lr: 0.01, weightDecay: 0.05 }),
      );
      return [
        { name: 'SGD momentum 0.9, weight decay 1e-2, 3 steps', ...sgd, atol: 1e-6, rtol: 1e-5 },
        { name: 'AdamW weight decay 0.05, 3 steps', ...adamw, atol: 1e-6, rtol: 1e-5 },
      ];
    },
  },
  {
    family: 'patch pooling',
    run: async () => {
      // 2 images of 72×56 px, embeddings at stride 4 (18×14), 16-px patches: partial border cells.
      const e = values([2, 24, 18, 14], 111);
      const grid = ncl.patchGrid(e.shape, [72, 56], 16);
      return [
        { name: 'embeddings: 2×24×18×14, 4×4 cells (mean, L2-normalised)', got: await ncl.poolPatchEmbeddings(dev(e), grid).data(), want: poolRef(e, 4).data, atol: 1e-5, rtol: 1e-4 },
      ];
    },
  },
  contrastiveCheck('cpu'),
  contrastiveCheck('gpu'),
];

/** Which adapter a self-check ran on, as it reports it. */
export interface AdapterSummary {
  adapter: string;
  backend: string;
  fallback: boolean;
  profile: string;
  loopIterationCap: number | null;
  /** Whether kernels may use subgroup operations here (variants that need them are checked only then). */
  subgroups: boolean;
  webgpu: string;
}

export function adapterSummary(rt: Runtime): AdapterSummary {
  const a = rt.adapter;
  return { adapter: a.description, backend: a.backend, fallback: a.fallback, profile: rt.profile, loopIterationCap: a.loopIterationCap, subgroups: a.subgroups, webgpu: a.webgpuVersion };
}

/** Largest |got − want|, and whether every element passes the tolerance rule (compare.ts). */
export function compare(p: Part): { maxAbsError: number; ok: boolean } {
  if (p.got.length !== p.want.length) return { maxAbsError: Infinity, ok: false };
  let maxAbsError = 0;
  for (let i = 0; i < p.got.length; i++) maxAbsError = Math.max(maxAbsError, Number.isFinite(p.got[i]!) ? Math.abs(p.got[i]! - p.want[i]!) : Infinity);
  return { maxAbsError, ok: closeness(p.got, p.want, p.atol, p.rtol) <= 1 };
}

/** Runs every check; `onResult` sees each result as it comes. */
/** A check's outcome as ncl selfcheck words it: its largest error against its tolerance, or why it did not run. */
export function checkOutcome(r: CheckResult): string {
  const tolerance = r.atol === 0 && r.rtol === 0 ? 'exact' : `≤ ${r.atol} + ${r.rtol}·|want|`;
  return r.failure ? `did not run: ${r.failure}` : `error ${Number.isFinite(r.maxAbsError) ? r.maxAbsError.toExponential(2) : 'not finite'} (${tolerance})`;
}

/** The failed checks, each named once as "family (check)". */
export function failedChecks(results: readonly CheckResult[]): string[] {
  return [...new Set(results.filter((r) => !r.ok).map((r) => `${r.family} (${r.check})`))];
}

export async function runSelfcheck(onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    onResult(r);
  };
  for (const c of CHECKS) {
    const t0 = performance.now();
    try {
      const parts = await c.run();
      const ms = (performance.now() - t0) / parts.length;
      for (const p of parts) report({ family: c.family, check: p.name, atol: p.atol, rtol: p.rtol, ms, ...compare(p) });
    } catch (e) {
      report({ family: c.family, check: '(did not run)', maxAbsError: Infinity, atol: 0, rtol: 0, ok: false, ms: performance.now() - t0, failure: (e as Error).message });
    }
  }
  return results;
}
