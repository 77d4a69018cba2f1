// `ncl bench train` reports what one step asks of the runtime, next to its time, and, where a
// python3 with torch exists, the same step in PyTorch: its images/s, ncl's speed as a ratio of it,
// and the first step's loss on both sides (the same weights, batch and patches: equal within 1e-5
// relative, float32 summed in different orders; test/bench/peer.test.ts compares every term).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTorchPython } from '../../bench/peer.ts';
import { ncl } from '../helpers/cli.ts';

type Row = { impl?: string; row?: string; count?: number | null; ms?: number | null; imagesPerSecond?: number | null; vsTorch?: number | null; loss?: number | null; note?: string };

async function benchRows(...extra: string[]): Promise<Row[]> {
  const r = await ncl('bench', 'train', '--input-size', '64', '--batch-size', '2', '--no-profile', '--json', '--warmup', '1', '--repeat', '3', ...extra);
  assert.is(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);
}

const torch = findTorchPython();

test('the step counters: one submit, no buffer, bind group or read-back per step in the steady state; the PyTorch row', async () => {
  const rows = await benchRows();
  const count = (name: string) => rows.find((x) => x.row === name)?.count;
  const ours = rows.find((x) => x.impl === 'ncl' && x.row === 'train step')!;
  assert.ok((ours.ms ?? 0) > 0);
  // A step of the tiny network records hundreds of dispatches, all in one submit.
  assert.ok(count('dispatches per step')! > 100, `dispatches ${count('dispatches per step')}`);
  assert.is(count('submits per step'), 1);
  // After the first steps the pool and the bind-group cache have what a step needs; the step
  // itself reads nothing back.
  assert.is(count('buffers created per step'), 0);
  assert.is(count('bind groups created per step'), 0);
  assert.is(count('read-backs per step'), 0);
  const peer = rows.find((x) => x.impl === 'pytorch');
  if (!torch.python) {
    assert.ok(rows.some((x) => x.note?.startsWith('pytorch skipped')), 'a note says why PyTorch did not run');
    return;
  }
  assert.ok(peer && peer.row === 'train step' && peer.imagesPerSecond! > 0, 'the PyTorch row');
  assert.ok(Math.abs(ours.vsTorch! - peer.ms! / ours.ms!) <= 1e-9 * ours.vsTorch!, 'vsTorch = PyTorch ms ÷ ncl ms');
  assert.ok(Math.abs(peer.loss! - ours.loss!) <= 1e-5 * Math.abs(ours.loss!), `first-step loss: PyTorch ${peer.loss}, ncl ${ours.loss}`);
});

test('--no-torch skips the PyTorch row with a note', async () => {
  const rows = await benchRows('--no-torch');
  assert.ok(rows.some((x) => x.note === 'pytorch skipped: --no-torch'));
  assert.not.ok(rows.some((x) => x.impl === 'pytorch'));
  assert.is(rows.find((x) => x.impl === 'ncl' && x.row === 'train step')!.vsTorch, null);
});

test.run();
