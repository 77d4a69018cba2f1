// `ncl bench conv`: ncl's conv2d forward, input gradient and weight gradient against
// tfjs-backend-webgpu's conv2d, Conv2DBackpropInput and Conv2DBackpropFilter on the same adapter.
// ncl runs NCHW/OIHW as in training; tfjs its own NHWC/HWIO, no transposes timed.
// Flops: the dense 2·N·Cout·Ho·Wo·Cin·k² per pass, padded taps included; total = the three passes.
// Each pass runs its tuned variant (or, with NCL_TUNE=off, the profile's default: bench/tuned.ts);
// --tilings times every tiling instead.
import { Tensor } from '../src/autograd/tensor.ts';
import { CONV_TILINGS, conv2dForwardKernel, conv2dInputGradKernel, conv2dWeightGradKernel } from '../src/kernels/conv.ts';
import { convFlops, convGeometry, type ConvGeometry } from '../src/kernels/conv-geometry.ts';
import { CONV_CANDIDATES, WGRAD_SHARED_CANDIDATES } from '../src/kernels/conv-tilings.ts';
import { matmulKernel } from '../src/kernels/matmul.ts';
import { runtime } from '../src/runtime/context.ts';
import { Report, benchHeader, kernelTiming, timeKernels, timeRuns, timingColumns, type BenchOptions, type Timing } from './harness.ts';
import { startTfjs, tfjsDone, torchRows, type PeerOptions, type Tf } from './peers.ts';
import { startBenchChoices, tuneClassesOf, tuneDescription } from './tuned.ts';
import { convTilingName } from '../src/kernels/variant-names.ts';

interface ConvShape {
  name: string;
  N: number;
  Cin: number;
  Cout: number;
  H: number;
  k: number;
  stride: number;
  dilation: number;
  padding: number;
}

export const CONV_SHAPES: ConvShape[] = [
  { name: 'a', N: 4, Cin: 64, Cout: 64, H: 64, k: 3, stride: 1, dilation: 1, padding: 1 },
  { name: 'b', N: 4, Cin: 128, Cout: 256, H: 64, k: 3, stride: 2, dilation: 1, padding: 1 },
  { name: 'c', N: 4, Cin: 256, Cout: 48, H: 64, k: 1, stride: 1, dilation: 1, padding: 0 },
  { name: 'd', N: 4, Cin: 256, Cout: 256, H: 32, k: 3, stride: 1, dilation: 12, padding: 12 },
  { name: 'e', N: 4, Cin: 3, Cout: 32, H: 256, k: 3, stride: 2, dilation: 1, padding: 1 },
];

type Pass = 'fwd' | 'bwdData' | 'bwdWeight';
const PASSES: Pass[] = ['fwd', 'bwdData', 'bwdWeight'];

function filled(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5), shape);
}

function nclPass(pass: Pass, g: ConvGeometry, t: { x: Tensor; w: Tensor; dy: Tensor }): () => void {
  if (pass === 'fwd') return () => conv2dForwardKernel(t.x.storage, t.w.storage, g).dispose();
  if (pass === 'bwdData') return () => conv2dInputGradKernel(t.dy.storage, t.w.storage, g).dispose();
  return () => conv2dWeightGradKernel(t.dy.storage, t.x.storage, g).dispose();
}

function tfjsPass(tf: Tf, pass: Pass, s: ConvShape, g: ConvGeometry, t: { x: Tf; w: Tf; dy: Tf }): (() => void) | null {
  const pad = [[0, 0], [s.padding, s.padding], [s.padding, s.padding], [0, 0]];
  if (pass === 'fwd') return () => tf.conv2d(t.x, t.w, s.stride, pad, 'NHWC', s.dilation).dispose();
  if (s.dilation > 1) return null; // tfjs has no gradient for dilation > 1
  const attrs = { strides: s.stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  if (pass === 'bwdData') {
    return () => tf.engine().runKernel('Conv2DBackpropInput', { dy: t.dy, filter: t.w }, { ...attrs, inputShape: [g.N, g.H, g.W, g.Cin] }).dispose();
  }
  return () => tf.engine().runKernel('Conv2DBackpropFilter', { x: t.x, dy: t.dy }, { ...attrs, filterShape: [g.KH, g.KW, g.Cin, g.Cout] }).dispose();
}

/** ncl's matmul at 1024³ in the same run (tuned like the convolutions): the reference rate for
 *  `ofMatmul`. */
async function matmulRate(options: BenchOptions, note: (text: string) => void): Promise<number> {
  const a = filled([1024, 1024], 1);
  const b = filled([1024, 1024], 2);
  const product = () => matmulKernel({ a: a.storage, b: b.storage, transA: false, transB: false }).dispose();
  if (options.tune) await tuneClassesOf('matmul 1024', product, note);
  const t = await timeKernels(product, options);
  a.dispose();
  b.dispose();
  return (2 * 1024 ** 3) / t.ms / 1e6;
}

export async function benchConv(options: PeerOptions & { shapes?: string[]; tilings?: boolean; noTfjs?: boolean }): Promise<void> {
  const shapes = options.shapes ? CONV_SHAPES.filter((s) => options.shapes!.includes(s.name)) : CONV_SHAPES;
  const tf = await startTfjs(options);
  startBenchChoices(options.tune);
  // Its tuning notes follow the header, which holds its rate.
  const notes: string[] = [];
  const matmul = await matmulRate(options, (text) => notes.push(text));
  const report = new Report(
    benchHeader('conv', {
      flops: '2·N·Cout·Ho·Wo·Cin·k² per pass (padded taps included); total = the three passes',
      tfjs: 'version' in tf ? tf.version : null,
      tiling: CONV_TILINGS.defaults[runtime().profile],
      matmul1024Gflops: matmul,
      variants: options.tilings ? 'every tiling (--tilings)' : tuneDescription(options.tune),
      timing: kernelTiming(),
    }),
    ['impl', 'shape', 'pass', 'ms', 'min', 'max', 'gpuMs', 'hostMs', 'gflops', 'vsTfjs', 'vsTorch', 'ofMatmul', 'compileMs', 'variant'],
    options,
  );
  for (const text of notes) report.note(text);
  if ('skipped' in tf) report.note(`tfjs skipped: ${tf.skipped}`);
  const torchMs = new Map(torchRows(report, 'conv', shapes, options).map((r) => [`${r.shape} ${r.pass}`, r.ms as number]));
  const torchTotal = (shape: string) => (PASSES.every((p) => torchMs.has(`${shape} ${p}`)) ? PASSES.reduce((a, p) => a + torchMs.get(`${shape} ${p}`)!, 0) : null);
  const row = (impl: string, shape: string, pass: string, t: Timing | null, flops: number, tfjsMs: number | null) =>
    report.add({
      impl,
      shape,
      pass,
      ...(t ? timingColumns(t) : { ms: null, min: null, max: null, gpuMs: null, hostMs: null }),
      gflops: t ? flops / t.ms / 1e6 : null,
      vsTfjs: t && tfjsMs !== null ? tfjsMs / t.ms : null,
      vsTorch: t && torchMs.has(`${shape} ${pass}`) ? torchMs.get(`${shape} ${pass}`)! / t.ms : null,
      ofMatmul: t ? flops / t.ms / 1e6 / matmul : null,
      compileMs: t?.compileMs ?? null,
      variant: t?.variants ?? null,
    });
  for (const s of shapes) {
    const o = { stride: s.stride, padding: s.padding, dilation: s.dilation };
    const g = convGeometry([s.N, s.Cin, s.H, s.H], [s.Cout, s.Cin, s.k, s.k], o);
    const flops = convFlops(g);
    const t = { x: filled([g.N, g.Cin, g.H, g.W], 3), w: filled([g.Cout, g.Cin, g.KH, g.KW], 4), dy: filled([g.N, g.Cout, g.Ho, g.Wo], 5) };
    const tfjsMs: Partial<Record<Pass, number>> = {};
    if ('tf' in tf) {
      const tt = { x: tf.tf.randomNormal([g.N, g.H, g.W, g.Cin]), w: tf.tf.randomNormal([g.KH, g.KW, g.Cin, g.Cout]), dy: tf.tf.randomNormal([g.N, g.Ho, g.Wo, g.Cout]) };
      for (const pass of PASSES) {
        const run = tfjsPass(tf.tf, pass, s, g, tt);
        const timing = run ? await report.attempt({ impl: 'tfjs', shape: s.name, pass }, () => timeRuns(run, () => tfjsDone(tf.tf), options)) : null;
        if (timing) tfjsMs[pass] = timing.ms;
        if (timing || !run) row('tfjs', s.name, pass, timing, flops, timing ? timing.ms : null);
      }
      const total = PASSES.every((p) => tfjsMs[p] !== undefined) ? PASSES.reduce((a, p) => a + tfjsMs[p]!, 0) : null;
      report.add({ impl: 'tfjs', shape: s.name, pass: 'total', ms: total, gflops: total ? (3 * flops) / total / 1e6 : null, vsTfjs: total ? 1 : null });
      for (const v of Object.values(tt)) (v as Tf).dispose();
    }
    const tfjsTotal = PASSES.every((p) => tfjsMs[p] !== undefined) ? PASSES.reduce((a, p) => a + tfjsMs[p]!, 0) : null;
    for (const pass of PASSES) {
      const ms = torchMs.get(`${s.name} ${pass}`);
      if (ms !== undefined) report.add({ impl: 'pytorch', shape: s.name, pass, ms, gflops: flops / ms / 1e6, vsTorch: 1 });
    }
    const peerTotal = torchTotal(s.name);
    if (peerTotal !== null) report.add({ impl: 'pytorch', shape: s.name, pass: 'total', ms: peerTotal, gflops: (3 * flops) / peerTotal / 1e6, vsTorch: 1 });
    if (options.tune && !options.tilings) await tuneClassesOf(`conv ${s.name}`, () => PASSES.forEach((pass) => nclPass(pass, g, t)()), (text) => report.note(text));
    // The workgroup-memory tilings from the weight gradient's list, which holds every forward one.
    for (const tiling of options.tilings ? [...CONV_CANDIDATES, ...WGRAD_SHARED_CANDIDATES] : [null]) {
      CONV_TILINGS.force(tiling && { fwd: tiling, wgrad: tiling });
      const impl = tiling ? convTilingName(tiling) : 'ncl';
      const timings: Timing[] = [];
      for (const pass of PASSES) {
        const timing = await report.attempt({ impl, shape: s.name, pass }, () => timeKernels(nclPass(pass, g, t), options));
        if (!timing) continue;
        timings.push(timing);
        row(impl, s.name, pass, timing, flops, tfjsMs[pass] ?? null);
      }
      if (timings.length === PASSES.length) {
        const sum = (f: (t: Timing) => number) => timings.reduce((a, t) => a + f(t), 0);
        const total = sum((t) => t.ms);
        report.add({
          impl,
          shape: s.name,
          pass: 'total',
          ms: total,
          gpuMs: timings.every((t) => t.gpuMs !== null) ? sum((t) => t.gpuMs!) : null,
          hostMs: sum((t) => t.hostMs),
          gflops: (3 * flops) / total / 1e6,
          vsTfjs: tfjsTotal === null ? null : tfjsTotal / total,
          vsTorch: peerTotal === null ? null : peerTotal / total,
          ofMatmul: (3 * flops) / total / 1e6 / matmul,
        });
      }
    }
    CONV_TILINGS.force(null);
    for (const v of Object.values(t)) v.dispose();
  }
}
