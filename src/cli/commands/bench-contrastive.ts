// `ncl bench contrastive`: the fused contrastive kernel against the unfused ops and tfjs.
import type { Command } from 'commander';
import { benchOptions, withBenchOptions, withTorchPeer } from './bench-options.ts';
import { parseNumber } from './parse-number.ts';

function sizes(v: string): number[] {
  return v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) throw new Error(`--n takes a comma-separated list of integers ≥ 2, got '${v}'`);
    return n;
  });
}

export function registerContrastiveBench(bench: Command): void {
  withTorchPeer(withBenchOptions(bench.command('contrastive').description('fused contrastive loss (docs/method.md §6) against the unfused ops, tfjs and PyTorch')))
    .option('--n <list>', 'comma-separated numbers of embeddings', sizes, [1024, 4096])
    .option('--d <n>', 'embedding dimension', parseNumber('--d', true, 1), 128)
    .option('--max-n', 'also find the largest N (doubling from 4096) each implementation completes forward+backward')
    .option('--budget <s>', 'seconds per implementation for --max-n', parseNumber('--budget', true, 1), 600)
    .option('--tilings', "compare every tiling of the fused kernel instead of the two profiles' defaults")
    .option('--no-tfjs', 'skip the tfjs baseline')
    .action(async (o: { json?: boolean; warmup: number; repeat: number; n: number[]; d: number; maxN?: boolean; budget: number; tilings?: boolean; tfjs: boolean; torch: boolean }) => {
      const { benchContrastive } = await import('../../../bench/contrastive.ts');
      await benchContrastive({ ...(await benchOptions(o)), ns: o.n, d: o.d, maxN: !!o.maxN, budget: o.budget, tilings: !!o.tilings, noTfjs: !o.tfjs });
    });
}
