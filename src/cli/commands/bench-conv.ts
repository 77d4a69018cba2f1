// `ncl bench conv`: conv2d passes against tfjs-backend-webgpu (bench/conv.ts).
import type { Command } from 'commander';
import { benchOptions, withBenchOptions, withTorchPeer } from './bench-options.ts';

export function registerConvBench(bench: Command): void {
  withTorchPeer(withBenchOptions(bench.command('conv').description('conv2d forward and gradients against tfjs-backend-webgpu on the same adapter and PyTorch')))
    .option('--shapes <list>', 'comma-separated subset of a,b,c,d,e')
    .option('--tilings', 'time every conv tiling instead of the tuned ones (NCL_TUNE=off: the defaults)')
    .option('--no-tfjs', 'skip the tfjs baseline')
    .action(async (o: { json?: boolean; warmup: number; repeat: number; shapes?: string; tilings?: boolean; tfjs: boolean; torch: boolean }) => {
      const { benchConv } = await import('../../../bench/conv.ts');
      await benchConv({ ...(await benchOptions(o)), shapes: o.shapes?.split(','), tilings: o.tilings, noTfjs: !o.tfjs });
    });
}
