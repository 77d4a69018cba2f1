// Benchmarks degrade, never crash: an implementation that cannot run a size (here the unfused
// contrastive loss, whose N×N matrix is over the adapter's storage-binding limit) gets a row with
// the reason, and the bench still measures the others and exits 0.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../src/runtime/context.ts';
import { device } from './helpers/setup.ts';

const NCL = fileURLToPath(new URL('../bin/ncl.js', import.meta.url));

test('bench contrastive: a size too large for the unfused path is a row with the reason', async () => {
  await device();
  const limit = runtime().limits.maxStorageBufferBindingSize;
  const n = Math.ceil(Math.sqrt(limit / 4) / 64) * 64 + 64; // N² floats just over one binding
  const args = ['bench', 'contrastive', '--n', String(n), '--d', '4', '--warmup', '0', '--repeat', '1', '--no-tfjs', '--json'];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [NCL, ...args], { timeout: 300_000, maxBuffer: 2 ** 24 }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr })),
  );
  assert.is(code, 0, stderr);
  const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const unfused = rows.find((r) => r.impl === 'unfused');
  assert.ok(unfused, 'an unfused row');
  assert.match(String(unfused!.error), /cannot allocate a \d+-byte buffer/);
  const fused = rows.filter((r) => r.impl === 'fused');
  assert.is(fused.length, 2, 'fused fwd and fwd+bwd');
  assert.ok(fused.every((r) => typeof r.ms === 'number' && r.error === undefined));
});

test.run();
