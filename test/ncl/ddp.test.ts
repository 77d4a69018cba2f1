// The scale-out path of docs/training.md: scripts/train_ddp.py continues an `ncl export --pytorch`
// model with DistributedDataParallel in two CPU processes (gloo), started as torchrun would (the
// env:// variables), for a few steps with ncl's losses; every process ends with the same weights and
// statistics (the script checks it and says so), and the file rank 0 writes loads back into ncl
// (`--init-weights`) with every tensor, the projection heads included. Skipped where no python3
// with torch exists (CI installs Debian's python3-torch).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTorchPython } from '../../bench/peer.ts';
import { loadSafetensors } from '../../src/io/safetensors-file.ts';
import { buildNetwork } from '../../src/ncl/train/checkpoint-codec.ts';
import { readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { importPytorchDeepLab } from '../../src/ncl/pytorch-import.ts';
import { ncl } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { device } from '../helpers/setup.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/train_ddp.py', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/checkpoint-0.1.0.safetensors', import.meta.url));
const torch = findTorchPython();

/** One process of the group: its exit code and output. */
function rank(python: string, r: number, port: number, args: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), WORLD_SIZE: '2', RANK: String(r), LOCAL_RANK: String(r) };
  const child = spawn(python, [SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output }))));
}

const name = 'train_ddp.py: two gloo processes train with the NCL terms, end identical, and the result loads back into ncl';
if (!torch.python) test.skip(`${name} (skipped: ${torch.reason})`, () => {});
else {
  test(name, async () => {
    const { dir, cleanup } = await tempDir('ddp');
    try {
      const exported = join(dir, 'model.pt.safetensors');
      const exportRun = await ncl('export', '--pytorch', exported, '--checkpoint', FIXTURE);
      assert.is(exportRun.code, 0, exportRun.stderr);
      const out = join(dir, 'ddp.safetensors');
      const port = 20_000 + (process.pid % 20_000);
      const args = [exported, '--out', out, '--backend', 'gloo', '--steps', '3', '--batch-size', '2', '--smoke', '8'];
      const [first, second] = await Promise.all([rank(torch.python!, 0, port, args), rank(torch.python!, 1, port, args)]);
      assert.is(first.code, 0, first.output);
      assert.is(second.code, 0, second.output);
      assert.match(first.output, /step 3: L \d/);
      assert.match(first.output, /3 steps: weights and batch-norm statistics identical on all 2 processes/);

      await device();
      const net = buildNetwork(readCheckpoint(FIXTURE).config);
      const report = await importPytorchDeepLab(out, net);
      assert.equal(report.keptInitialised, [], 'every tensor of the network, both heads included, comes from the file');
      const file = loadSafetensors(out);
      const state = await net.exportState();
      const trained = [...file.tensors].filter(([n]) => n.startsWith('branch_a.'));
      assert.ok(trained.length > 0);
      for (const [n, t] of trained) assert.equal([...state.get(n)!.data], [...t.data], `${n} as DDP wrote it`);
      const before = loadSafetensors(exported).tensors;
      assert.ok(trained.some(([n, t]) => t.data.some((v, i) => v !== before.get(n)!.data[i])), 'the heads were trained (the NCL terms reach them)');
      net.dispose();
    } finally {
      await cleanup();
    }
  });
}

test.run();
