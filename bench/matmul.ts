// `ncl bench matmul`: f32 matmul GFLOP/s of ncl's kernel against tfjs-backend-webgpu on the same
// adapter. Shapes: square 512, 1000, 1024, 2048 and the contrastive similarity N×D · D×N
// (N = 4096, D = 128). Flops: 2·M·N·K per product. Each shape runs its tuned variant (or, with
// NCL_TUNE=off, the profile's default: bench/tuned.ts); --tilings times every candidate instead.
import { Tensor } from '../src/autograd/tensor.ts';
import { matmulKernel, MATMUL_CANDIDATES, MATMUL_TILINGS } from '../src/kernels/matmul.ts';
import { Report, benchHeader, kernelTiming, timeKernels, timeRuns, timingColumns } from './harness.ts';
import { startTfjs, tfjsDone, torchRows, type PeerOptions } from './peers.ts';
import { startBenchChoices, tuneClassesOf, tuneDescription } from './tuned.ts';
import { matmulTilingName } from '../src/kernels/variant-names.ts';

interface MatmulShape {
  name: string;
  M: number;
  K: number;
  N: number;
  /** B is given transposed (the N×D embeddings times their transpose). */
  transB: boolean;
  /** Only when named in --sizes (too long for a CPU adapter's default run). */
  onRequest?: boolean;
}

export const MATMUL_SHAPES: MatmulShape[] = [
  { name: '512', M: 512, K: 512, N: 512, transB: false },
  { name: '1000', M: 1000, K: 1000, N: 1000, transB: false },
  { name: '1024', M: 1024, K: 1024, N: 1024, transB: false },
  { name: '2048', M: 2048, K: 2048, N: 2048, transB: false },
  { name: '4096x128', M: 4096, K: 128, N: 4096, transB: true },
  { name: '4096', M: 4096, K: 4096, N: 4096, transB: false, onRequest: true },
];

/** The shapes named in `sizes` (an unknown name is an error), or the default run's. */
function chosenShapes(sizes?: string[]): MatmulShape[] {
  if (!sizes) return MATMUL_SHAPES.filter((s) => !s.onRequest);
  const unknown = sizes.filter((n) => !MATMUL_SHAPES.some((s) => s.name === n));
  if (unknown.length) throw new Error(`bench matmul: unknown size ${unknown.join(', ')}; choose from ${MATMUL_SHAPES.map((s) => s.name).join(', ')}`);
  return MATMUL_SHAPES.filter((s) => sizes.includes(s.name));
}

function randomTensor(shape: number[]): Tensor {
  return Tensor.fromArray(Float32Array.from({ length: shape[0]! * shape[1]! }, (_, i) => Math.sin(i * 12.9898) * 0.5), shape);
}

export async function benchMatmul(options: PeerOptions & { sizes?: string[]; tilings?: boolean }): Promise<void> {
  const shapes = chosenShapes(options.sizes);
  const tf = await startTfjs(options);
  const report = new Report(
    benchHeader('matmul', {
      flops: '2·M·N·K per product',
      tfjs: 'version' in tf ? tf.version : null,
      tiling: matmulTilingName(MATMUL_TILINGS.current()),
      variants: options.tilings ? 'every candidate (--tilings)' : tuneDescription(options.tune),
      timing: kernelTiming(),
    }),
    ['impl', 'n', 'ms', 'min', 'max', 'gpuMs', 'hostMs', 'gflops', 'vsTfjs', 'vsTorch', 'compileMs', 'variant'],
    options,
  );
  if ('skipped' in tf) report.note(`tfjs skipped: ${tf.skipped}`);
  const torch = new Map(torchRows(report, 'matmul', shapes, options).map((r) => [r.n, r]));
  // null: the variant the run's choices give the shape (tuned, or the default).
  const tilings = options.tilings ? MATMUL_CANDIDATES : [null];
  startBenchChoices(options.tune);
  for (const s of shapes) {
    const flops = 2 * s.M * s.N * s.K;
    const a = randomTensor([s.M, s.K]);
    const b = randomTensor(s.transB ? [s.N, s.K] : [s.K, s.N]);
    let tfjsMs: number | null = null;
    if ('tf' in tf) {
      const ta = tf.tf.tensor2d(await a.data(), [s.M, s.K]);
      const tb = tf.tf.tensor2d(await b.data(), s.transB ? [s.N, s.K] : [s.K, s.N]);
      const t = await report.attempt({ impl: 'tfjs', n: s.name }, () => timeRuns(() => tf.tf.matMul(ta, tb, false, s.transB).dispose(), () => tfjsDone(tf.tf), options));
      if (t) {
        tfjsMs = t.ms;
        report.add({ impl: 'tfjs', n: s.name, ...timingColumns(t), gflops: flops / t.ms / 1e6, vsTfjs: 1, vsTorch: null, compileMs: null });
      }
      ta.dispose();
      tb.dispose();
    }
    const peer = torch.get(s.name);
    if (peer) report.add({ impl: 'pytorch', n: s.name, ms: peer.ms!, min: peer.min!, max: peer.max!, gflops: peer.gflops!, vsTfjs: null, vsTorch: 1, compileMs: null });
    const product = () => matmulKernel({ a: a.storage, b: b.storage, transA: false, transB: s.transB }).dispose();
    if (options.tune && !options.tilings) await tuneClassesOf(`matmul ${s.name}`, product, (text) => report.note(text));
    for (const tiling of tilings) {
      MATMUL_TILINGS.force(tiling);
      const impl = tiling ? matmulTilingName(tiling) : 'ncl';
      const t = await report.attempt({ impl, n: s.name }, () => timeKernels(product, options));
      if (!t) continue;
      report.add({
        impl,
        n: s.name,
        ...timingColumns(t),
        gflops: flops / t.ms / 1e6,
        vsTfjs: tfjsMs === null ? null : tfjsMs / t.ms,
        vsTorch: peer ? (peer.ms as number) / t.ms : null,
        compileMs: t.compileMs,
        variant: t.variants,
      });
    }
    MATMUL_TILINGS.force(null);
    a.dispose();
    b.dispose();
  }
}
