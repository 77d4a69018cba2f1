// `ncl bench train`: images/s of an NCL training step, against PyTorch's, and time per kernel family (bench/train.ts).
import { Option, type Command } from 'commander';
import { benchOptions, withBenchOptions, withTorchPeer } from './bench-options.ts';
import { parseNumber } from './parse-number.ts';

export function registerTrainBench(bench: Command): void {
  withTorchPeer(withBenchOptions(bench.command('train').description('images/s of a training step (forward, losses, backward, update) against the same step in PyTorch, and a per-kernel-family profile')))
    .addOption(new Option('--preset <name>', 'network preset').choices(['tiny', 'paper']).default('tiny'))
    .option('--batch-size <n>', 'images per step', parseNumber('--batch-size', true, 2), 8)
    .option('--input-size <px>', 'input side instead of the preset\'s', parseNumber('--input-size', true, 32))
    .option('--no-profile', 'skip the per-dispatch profiling pass')
    .action(async (o: { json?: boolean; warmup: number; repeat: number; preset: 'tiny' | 'paper'; batchSize: number; inputSize?: number; profile: boolean; torch: boolean }) => {
      const { benchTrain } = await import('../../../bench/train.ts');
      await benchTrain({ ...(await benchOptions(o)), preset: o.preset, batchSize: o.batchSize, noProfile: !o.profile, ...(o.inputSize ? { inputSize: o.inputSize } : {}) });
    });
}
