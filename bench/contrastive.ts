// `ncl bench contrastive`: the supervised contrastive loss of docs/method.md §5–§6, fused kernel
// against the unfused composition of engine ops and the same loss written with tfjs ops on
// tfjs-backend-webgpu on the same adapter. Embeddings are N×D unit rows, two classes, every
// seventh row ignored, τ = 0.1.
//
// Flop convention: 2·N²·D for a forward pass (the similarity products) and 6·N²·D for forward +
// backward, for every implementation; exp, masking and softmax are not counted. `ofMatmul` is the
// rate as a fraction of ncl's matmul on the N×D · D×N product measured in the same run.
// --max-n: from N = 4096 (D as given), doubling while forward + backward completes (read back,
// finite loss and gradient); each implementation has its own time budget and stops before a size
// whose predicted time (4× the last, as the work is N²) would exceed what is left of it.
// The fused kernel runs in both profiles' default tilings (the streaming kernels and the
// flash-style ones), or with --tilings in every candidate. With tuning on (`NCL_TUNE` unset or
// 'on', as for training) the fused kernel's class and the matmul classes of the unfused path are
// tuned, or read from the tuning cache, before anything is timed (bench/tuned.ts): one more fused
// row times the tuned tiling (its `variant` names it), and the baseline and `matmulGflops` use
// ncl's tuned matmul, the unfused row saying which variants ran.
import { backward } from '../src/autograd/backward.ts';
import { keep, noGrad, tidy } from '../src/autograd/scope.ts';
import { Tensor } from '../src/autograd/tensor.ts';
import { CONTRASTIVE_CANDIDATES, CONTRASTIVE_TILINGS, tilingName } from '../src/kernels/contrastive.ts';
import { matmulKernel } from '../src/kernels/matmul.ts';
import { contrastiveLoss } from '../src/ncl/method/contrastive.ts';
import { contrastivePlan } from '../src/ncl/method/contrastive-plan.ts';
import { MASKED } from '../src/ncl/method/contrastive-unfused.ts';
import { runtime } from '../src/runtime/context.ts';
import { Report, benchHeader, kernelTiming, nclDone, timeKernels, timeRuns, timingColumns, type BenchOptions, type Row, type Timing } from './harness.ts';
import { startTfjs, tfjsDone, torchRows, type PeerOptions, type Tf } from './peers.ts';
import { startBenchChoices, tuneClassesOf, tuneDescription } from './tuned.ts';

const TAU = 0.1;
const MIB = 2 ** 20;

export interface ContrastiveBenchOptions extends PeerOptions {
  ns: number[];
  d: number;
  maxN: boolean;
  /** Seconds per implementation for --max-n. */
  budget: number;
  /** Compare the fused kernel's tilings. */
  tilings: boolean;
  noTfjs?: boolean;
}

/** N unit rows of dimension d, the same on every run. */
function embeddings(n: number, d: number): Float32Array {
  const z = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 12.9898 + 1.3));
  for (let i = 0; i < n; i++) {
    const row = z.subarray(i * d, (i + 1) * d);
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    row.forEach((v, k) => (row[k] = v / norm));
  }
  return z;
}

function labelsFor(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -1 : i % 2));
}

/** One loss evaluation on ncl's device, with or without its backward pass. */
function nclStep(z: Tensor, labels: number[], fused: boolean, withBackward: boolean): void {
  if (!withBackward) {
    noGrad(() => tidy(() => void contrastiveLoss(z, labels, { tau: TAU, fused })));
    return;
  }
  tidy(() => backward(contrastiveLoss(z, labels, { tau: TAU, fused })));
  z.zeroGrad();
}

/** Times an ncl run and reports the largest total the buffer pool held meanwhile. */
async function timeNcl(run: () => void, options: BenchOptions): Promise<{ timing: Timing; peak: number }> {
  const pool = runtime().pool;
  await nclDone();
  pool.trim();
  pool.resetPeak();
  const timing = await timeKernels(run, options);
  return { timing, peak: pool.stats().peakBytes };
}

/**
 * The same loss in tfjs ops: masks from N-vectors, matMul, logSoftmax, weighted sum. tfjs-core
 * registers no gradients in Node (only the full tfjs package does), so the backward pass is written
 * with tfjs ops as its autograd would run it: G = dL/dS = softmax(S) · rowsum(W) − W, then
 * dz = (G z + Gᵀ z) / τ (the two products of the matMul gradient).
 */
function tfjsLoss(tf: Tf, labels: number[]) {
  const n = labels.length;
  const plan = contrastivePlan(labels);
  const index = tf.range(0, n, 1, 'float32');
  const cls = tf.tensor1d(Float32Array.from(plan.classOf));
  const invalid = tf.tensor2d(Float32Array.from(plan.classOf, (c) => (c < 0 ? 1 : 0)), [1, n]);
  const rowScale = tf.tensor2d(plan.weight.map((w, i) => w * plan.posScale[i]!), [n, 1]);
  const column = (t: Tf) => tf.reshape(t, [n, 1]);
  const row = (t: Tf) => tf.reshape(t, [1, n]);
  const step = (z: Tf) =>
    tf.tidy(() => {
      const diag = tf.cast(tf.equal(column(index), row(index)), 'float32');
      const mask = tf.mul(tf.add(diag, invalid), MASKED);
      const positives = tf.mul(tf.mul(tf.cast(tf.equal(column(cls), row(cls)), 'float32'), tf.sub(1, diag)), rowScale);
      const logp = tf.logSoftmax(tf.add(tf.mul(tf.matMul(z, z, false, true), 1 / TAU), mask));
      tf.neg(tf.sum(tf.mul(logp, positives)));
      const g = tf.sub(tf.mul(tf.exp(logp), tf.sum(positives, 1, true)), positives);
      tf.mul(tf.add(tf.matMul(g, z), tf.matMul(g, z, true, false)), 1 / TAU);
    });
  return {
    step,
    dispose: () => [index, cls, invalid, rowScale].forEach((t) => t.dispose()),
  };
}

/** Runs fn on tfjs's device and throws what its validation and out-of-memory scopes caught. */
async function tfjsChecked(tf: Tf, fn: () => void): Promise<void> {
  const device: GPUDevice = tf.backend().device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  fn();
  await tfjsDone(tf);
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  const error = validation ?? memory;
  if (error) throw new Error(`tfjs: ${error.message.split('\n')[0]}`);
}

interface Measured {
  impl: 'fused' | 'unfused' | 'tfjs' | 'pytorch';
  pass: 'fwd' | 'fwd+bwd';
  tiling: string | null;
  timing: Timing;
  peak: number | null;
}

async function timeTfjs(tf: Tf, data: Float32Array, labels: number[], options: BenchOptions): Promise<{ timing: Timing; peak: number }> {
  const loss = tfjsLoss(tf, labels);
  const zt = tf.tensor2d(data, [labels.length, data.length / labels.length]);
  try {
    await tfjsChecked(tf, () => loss.step(zt)); // tfjs reports failures through error scopes only
    const timing = await timeRuns(() => loss.step(zt), () => tfjsDone(tf), options);
    const profile = await tf.profile(() => loss.step(zt));
    return { timing, peak: profile.peakBytes };
  } finally {
    zt.dispose();
    loss.dispose();
  }
}

/** Every implementation at size n; one that cannot run it is reported at once with the reason. */
async function measureN(n: number, options: ContrastiveBenchOptions, tf: { tf: Tf } | { skipped: string }, report: Report): Promise<{ rows: Measured[]; matmulGflops: number | null }> {
  const d = options.d;
  const data = embeddings(n, d);
  const labels = labelsFor(n);
  const z = Tensor.fromArray(data, [n, d], { requiresGrad: true });
  // Each tuning notes its own failure (a size one path cannot run) and leaves the other's to go on.
  if (options.tune) {
    await tuneClassesOf(`N=${n}: the unfused path's matmul`, () => nclStep(z, labels, false, true), (text) => report.note(text));
    await tuneClassesOf(`N=${n}: the fused kernel`, () => nclStep(z, labels, true, true), (text) => report.note(text));
  }
  const product = await report.attempt({ impl: 'matmul', pass: 'fwd', n, d }, () => timeKernels(() => matmulKernel({ a: z.storage, b: z.storage, transA: false, transB: true }).dispose(), options));
  const matmulGflops = product && (2 * n * n * d) / product.ms / 1e6;
  const rows: Measured[] = [];
  const measure = async (impl: Measured['impl'], pass: Measured['pass'], tiling: string | null, run: () => Promise<{ timing: Timing; peak: number | null }>) => {
    const result = await report.attempt({ impl, pass, n, d, tiling }, run);
    if (result) rows.push({ impl, pass, tiling, ...result });
  };
  const { cpu, gpu } = CONTRASTIVE_TILINGS.defaults;
  for (const tiling of options.tilings ? CONTRASTIVE_CANDIDATES : [cpu, gpu]) {
    CONTRASTIVE_TILINGS.force(tiling);
    for (const withBackward of [false, true]) await measure('fused', withBackward ? 'fwd+bwd' : 'fwd', tilingName(tiling), () => timeNcl(() => nclStep(z, labels, true, withBackward), options));
  }
  CONTRASTIVE_TILINGS.force(null);
  // The run's choice: the tuning cache's winner for this class (bench/tuned.ts).
  if (options.tune) {
    for (const withBackward of [false, true]) await measure('fused', withBackward ? 'fwd+bwd' : 'fwd', 'tuned', () => timeNcl(() => nclStep(z, labels, true, withBackward), options));
  }
  await measure('unfused', 'fwd+bwd', null, () => timeNcl(() => nclStep(z, labels, false, true), options));
  z.zeroGrad();
  z.dispose();
  if ('tf' in tf) await measure('tfjs', 'fwd+bwd', null, () => timeTfjs(tf.tf, data, labels, options));
  return { rows, matmulGflops };
}

function rowOf(m: Measured, n: number, d: number, matmulGflops: number | null, all: Measured[]): Row {
  const flops = (m.pass === 'fwd' ? 2 : 6) * n * n * d;
  const gflops = flops / m.timing.ms / 1e6;
  const ratio = (impl: string) => {
    const ms = all.find((o) => o.impl === impl && o.pass === m.pass)?.timing.ms;
    return ms === undefined || m.impl === impl ? null : ms / m.timing.ms;
  };
  return {
    impl: m.impl,
    pass: m.pass,
    n,
    d,
    ...timingColumns(m.timing),
    // PyTorch's time is its own (bench/peer_torch.py), with no clocks apart.
    ...(m.impl === 'pytorch' ? { gpuMs: null, hostMs: null } : {}),
    gflops,
    ofMatmul: matmulGflops === null ? null : gflops / matmulGflops,
    vsUnfused: ratio('unfused'),
    vsTfjs: ratio('tfjs'),
    vsTorch: ratio('pytorch'),
    peakMiB: m.peak === null ? null : m.peak / MIB,
    tiling: m.tiling,
    compileMs: m.impl === 'tfjs' || m.impl === 'pytorch' ? null : m.timing.compileMs,
    variant: m.timing.variants,
  };
}

/** Largest N (doubling from 4096) whose forward + backward completes, and why the next did not. */
async function probeMaxN(attempt: (n: number) => Promise<void>, budgetS: number, onDone: (n: number, ms: number) => void): Promise<{ maxN: number | null; stop: string; failedAt: number | null }> {
  let left = budgetS * 1000;
  let last = 0;
  let maxN: number | null = null;
  for (let n = 4096; ; n *= 2) {
    if (left <= 0) return { maxN, stop: `N=${n} not tried: the ${budgetS} s budget is spent`, failedAt: null };
    if (last > 0 && 4 * last > left) {
      return { maxN, stop: `N=${n} not tried: predicted ${((4 * last) / 1000).toFixed(0)} s exceeds the ${(left / 1000).toFixed(0)} s left of the ${budgetS} s budget`, failedAt: null };
    }
    const t0 = performance.now();
    try {
      await attempt(n);
    } catch (e) {
      return { maxN, stop: `N=${n} failed: ${(e as Error).message}`, failedAt: n };
    }
    last = performance.now() - t0;
    left -= last;
    maxN = n;
    onDone(n, last);
  }
}

/** One forward + backward at size n, read back: it completes when the loss and gradient are finite. */
async function nclAttempt(n: number, d: number, fused: boolean): Promise<void> {
  const z = Tensor.fromArray(embeddings(n, d), [n, d], { requiresGrad: true });
  try {
    const loss = tidy(() => {
      const l = keep(contrastiveLoss(z, labelsFor(n), { tau: TAU, fused }));
      backward(l);
      return l;
    });
    const value = await loss.item();
    const grad = await z.grad!.data();
    loss.dispose();
    if (!Number.isFinite(value) || !grad.every(Number.isFinite)) throw new Error(`non-finite result at N=${n}`);
  } finally {
    z.zeroGrad();
    z.dispose();
    runtime().pool.trim();
  }
}

async function tfjsAttempt(tf: Tf, n: number, d: number): Promise<void> {
  const loss = tfjsLoss(tf, labelsFor(n));
  const zt = tf.tensor2d(embeddings(n, d), [n, d]);
  try {
    await tfjsChecked(tf, () => loss.step(zt));
  } finally {
    zt.dispose();
    loss.dispose();
  }
}

export async function benchContrastive(options: ContrastiveBenchOptions): Promise<void> {
  const tf = await startTfjs(options);
  const limits = runtime().limits;
  const report = new Report(
    benchHeader('contrastive', {
      flops: '2·N²·D for fwd, 6·N²·D for fwd+bwd (every implementation; exp, masks and softmax not counted)',
      ofMatmul: "fraction of matmulGflops: ncl's matmul on the N×D · D×N product, measured in the same run",
      peak: 'ncl: largest total held by the buffer pool during the timed runs; tfjs: tf.profile peakBytes of one run',
      tau: TAU,
      labels: 'two classes, every seventh row ignored',
      tiling: tilingName(CONTRASTIVE_TILINGS.current()),
      tuned: tuneDescription(options.tune),
      maxStorageBindingMiB: limits.maxStorageBufferBindingSize / MIB,
      tfjs: 'version' in tf ? tf.version : null,
      timing: kernelTiming(),
      ...(options.maxN ? { probeTiming: '--max-n rows (probe): wall clock of one forward + backward and the read-back of the loss and gradient' } : {}),
    }),
    ['impl', 'pass', 'n', 'd', 'ms', 'min', 'max', 'gpuMs', 'hostMs', 'gflops', 'ofMatmul', 'vsUnfused', 'vsTfjs', 'vsTorch', 'peakMiB', 'tiling', 'variant'],
    options,
  );
  if ('skipped' in tf) report.note(`tfjs skipped: ${tf.skipped}`);
  startBenchChoices(options.tune);
  // The usual unfused loss in PyTorch (its N×N matrices; peak memory where it runs on CUDA).
  const peer = torchRows(report, 'contrastive', options.ns.map((n) => ({ n, d: options.d, tau: TAU })), options);
  const matmulByN: Record<string, number | null> = {};
  for (const n of options.ns) {
    const { rows, matmulGflops } = await measureN(n, options, tf, report);
    for (const r of peer.filter((p) => p.n === n)) {
      const timing = { ms: r.ms as number, min: r.min as number, max: r.max as number, gpuMs: null, hostMs: r.ms as number, compileMs: 0, variants: null };
      rows.push({ impl: 'pytorch', pass: r.pass as Measured['pass'], tiling: null, timing, peak: r.peakMiB === null ? null : (r.peakMiB as number) * MIB });
    }
    matmulByN[n] = matmulGflops;
    for (const m of rows) report.add(rowOf(m, n, options.d, matmulGflops, rows));
  }
  const summary: Row = { matmulGflops: matmulByN[options.ns[options.ns.length - 1]!] ?? null, matmulGflopsByN: matmulByN };
  if (options.maxN) {
    const d = options.d;
    const probes: Array<[string, (n: number) => Promise<void>]> = [
      ['fused', (n) => nclAttempt(n, d, true)],
      ['unfused', (n) => nclAttempt(n, d, false)],
    ];
    if ('tf' in tf) probes.push(['tfjs', (n) => tfjsAttempt(tf.tf, n, d)]);
    const maxN: Record<string, number | null> = {};
    for (const [impl, attempt] of probes) {
      const { maxN: found, stop, failedAt } = await probeMaxN(attempt, options.budget, (n, ms) =>
        report.add({ impl, pass: 'fwd+bwd', n, d, ms, gflops: (6 * n * n * d) / ms / 1e6, probe: true }),
      );
      maxN[impl] = found;
      const why = failedAt && impl !== 'fused' && 4 * failedAt * failedAt > limits.maxStorageBufferBindingSize ? ` (it holds N×N f32 matrices: ${(4 * failedAt * failedAt) / MIB} MiB each at N=${failedAt}, over the ${limits.maxStorageBufferBindingSize / MIB} MiB storage-binding limit)` : '';
      report.note(`max-n ${impl}: ${found ?? 'none'}; ${stop}${why}`);
    }
    summary.maxN = maxN;
  }
  report.finish(summary);
}
