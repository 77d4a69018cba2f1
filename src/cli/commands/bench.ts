// `ncl bench <name>`: runs a benchmark from bench/ and prints its table (or JSON rows).
// Every bench takes --json, --warmup and --repeat (benchOptions); each adds its own options.
import type { Command } from 'commander';
import { initDevice } from '../../runtime/context.ts';
import { parseNumber } from './parse-number.ts';
import type { BenchOptions } from '../../../bench/harness.ts';
import { registerContrastiveBench } from './bench-contrastive.ts';
import { registerConvBench } from './bench-conv.ts';
import { registerTrainBench } from './bench-train.ts';

/** Adds the options every bench shares. */
export function withBenchOptions(cmd: Command, repeat = 3): Command {
  return cmd
    .option('--json', 'JSON lines: a header object, then one object per row')
    .option('--warmup <n>', 'untimed runs first (they compile the pipelines)', parseNumber('--warmup', true, 0), 1)
    .option('--repeat <n>', 'timed runs per row (the median is reported)', parseNumber('--repeat', true, 1), repeat);
}

export async function benchOptions(o: { json?: boolean; warmup: number; repeat: number }): Promise<BenchOptions> {
  await initDevice();
  return { json: !!o.json, warmup: o.warmup, repeat: Math.max(1, o.repeat) };
}

function registerMatmulBench(bench: Command): void {
  withBenchOptions(bench.command('matmul').description('f32 matmul against tfjs-backend-webgpu on the same adapter'))
    .option('--sizes <list>', 'comma-separated subset of 512,1000,1024,2048,4096x128')
    .option('--tilings', 'compare the matmul kernel tilings instead of the default one')
    .action(async (o: { json?: boolean; warmup: number; repeat: number; sizes?: string; tilings?: boolean }) => {
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
