// The options every `ncl bench` subcommand shares: --json, --warmup, --repeat; and NCL_TUNE, which
// decides, as for training, whether the benches time the tuned kernel variants or the defaults.
import type { Command } from 'commander';
import { runTorchPeer } from '../../../bench/peer.ts';
import type { PeerOptions } from '../../../bench/peers.ts';
import { loadTfjs } from '../../../bench/tfjs.ts';
import { openDevice, tuneModeFromEnv } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';

/** Adds the options every bench shares. */
export function withBenchOptions(cmd: Command, repeat = 3): Command {
  return cmd
    .option('--json', 'JSON lines: a header object, then one object per row')
    .option('--warmup <n>', 'untimed runs first (they compile the pipelines)', parseNumber('--warmup', true, 0), 1)
    .option('--repeat <n>', 'timed runs per row (the median is reported)', parseNumber('--repeat', true, 1), repeat);
}

/** Adds --no-torch to a bench that has a PyTorch peer (bench/peer_torch.py). */
export function withTorchPeer(cmd: Command): Command {
  return cmd.option('--no-torch', 'skip the PyTorch peer (it runs when a python3 with torch is found: CUDA if present, else its CPU)');
}

/** Opens the device and turns the shared options into the harness's, with the command line's peers. */
export async function benchOptions(o: { json?: boolean; warmup: number; repeat: number; torch?: boolean }): Promise<PeerOptions> {
  await openDevice();
  return { json: !!o.json, warmup: o.warmup, repeat: Math.max(1, o.repeat), noTorch: o.torch === false, tune: tuneModeFromEnv() !== 'off', peers: { torch: runTorchPeer, tfjs: loadTfjs } };
}
