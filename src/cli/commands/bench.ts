// `ncl bench <name>`: runs a benchmark from bench/ and prints its table (or JSON rows).
// Every bench takes --json, --warmup and --repeat (benchOptions); each adds its own options.
import type { Command } from 'commander';
import { benchOptions, withBenchOptions, withTorchPeer } from './bench-options.ts';
import { registerContrastiveBench } from './bench-contrastive.ts';
import { registerConvBench } from './bench-conv.ts';
import { registerTrainBench } from './bench-train.ts';

function registerMatmulBench(bench: Command): void {
  withTorchPeer(withBenchOptions(bench.command('matmul').description('f32 matmul against tfjs-backend-webgpu on the same adapter and PyTorch')))
    .option('--sizes <list>', 'comma-separated subset of 512,1000,1024,2048,4096x128,4096 (default: all but 4096)')
    .option('--tilings', 'time every matmul tiling instead of the tuned one (NCL_TUNE=off: the default)')
    .action(async (o: { json?: boolean; warmup: number; repeat: number; sizes?: string; tilings?: boolean; torch: boolean }) => {
      const { benchMatmul } = await import('../../../bench/matmul.ts');
      await benchMatmul({ ...(await benchOptions(o)), sizes: o.sizes?.split(','), tilings: o.tilings });
    });
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('benchmarks (tables in bench/RESULTS.md)');
  registerMatmulBench(bench);
  registerContrastiveBench(bench);
  registerConvBench(bench);
  registerTrainBench(bench);
}
