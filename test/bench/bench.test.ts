// Benchmarks degrade, never crash: an implementation that cannot run a size (here the unfused
// contrastive loss, whose N×N matrix is over the adapter's storage-binding limit) gets a row with
// the reason, and the bench still measures the others and exits 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runtime } from '../../src/runtime/context.ts';
import { ncl } from '../helpers/cli.ts';
import { device } from '../helpers/setup.ts';

test('bench contrastive: a size too large for the unfused path is a row with the reason', async () => {
  await device();
  const limit = runtime().limits.maxStorageBufferBindingSize;
  const n = Math.ceil(Math.sqrt(limit / 4) / 64) * 64 + 64; // N² floats just over one binding
  const args = ['bench', 'contrastive', '--n', String(n), '--d', '4', '--warmup', '0', '--repeat', '1', '--no-tfjs', '--json'];
  const { code, stdout, stderr } = await ncl(...args);
  assert.is(code, 0, stderr);
  const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const unfused = rows.find((r) => r.impl === 'unfused');
  assert.ok(unfused, 'an unfused row');
  assert.match(String(unfused!.error), /cannot allocate a \d+-byte buffer/);
  const fused = rows.filter((r) => r.impl === 'fused');
  assert.is(fused.length, 4, "fused fwd and fwd+bwd in both profiles' default tilings");
  assert.ok(fused.every((r) => typeof r.ms === 'number' && r.error === undefined));
});

test.run();
