// `ncl bench train` reports what one step asks of the runtime, next to its time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ncl } from './helpers/cli.ts';

test('the step counters: one submit, no buffer, bind group or read-back per step in the steady state', async () => {
  const r = await ncl('bench', 'train', '--input-size', '32', '--batch-size', '2', '--no-profile', '--json', '--warmup', '1', '--repeat', '3');
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { row?: string; count?: number | null; ms?: number | null });
  const count = (name: string) => rows.find((x) => x.row === name)?.count;
  assert.ok((rows.find((x) => x.row === 'train step')?.ms ?? 0) > 0);
  // A step of the tiny network records hundreds of dispatches, all in one submit.
  assert.ok(count('dispatches per step')! > 100, `dispatches ${count('dispatches per step')}`);
  assert.is(count('submits per step'), 1);
  // After the first steps the pool and the bind-group cache have what a step needs; the step
  // itself reads nothing back.
  assert.is(count('buffers created per step'), 0);
  assert.is(count('bind groups created per step'), 0);
  assert.is(count('read-backs per step'), 0);
});

test.run();
