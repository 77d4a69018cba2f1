// The options every `ncl bench` subcommand shares: --json, --warmup, --repeat.
import type { Command } from 'commander';
import type { BenchOptions } from '../../../bench/harness.ts';
import { openDevice } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';

/** Adds the options every bench shares. */
export function withBenchOptions(cmd: Command, repeat = 3): Command {
  return cmd
    .option('--json', 'JSON lines: a header object, then one object per row')
    .option('--warmup <n>', 'untimed runs first (they compile the pipelines)', parseNumber('--warmup', true, 0), 1)
    .option('--repeat <n>', 'timed runs per row (the median is reported)', parseNumber('--repeat', true, 1), repeat);
}

/** Opens the device and turns the shared options into the harness's. */
export async function benchOptions(o: { json?: boolean; warmup: number; repeat: number }): Promise<BenchOptions> {
  await openDevice();
  return { json: !!o.json, warmup: o.warmup, repeat: Math.max(1, o.repeat) };
}
