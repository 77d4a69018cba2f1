// The runtime's queue: recorded dispatches share one submit with the copy of the read-back that
// follows them, and a read-back's staging buffer is kept for the next one of its size.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { runtime } from '../../src/runtime/context.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

test('many dispatches share one submit', async () => {
  await runtime().sync();
  const rt = runtime();
  const submits = rt.submits;
  const dispatches = rt.dispatches;
  const x = ncl.full([64], 1);
  let y = x;
  for (let i = 0; i < 100; i++) y = ncl.mulScalar(y, 1.01);
  const v = await y.data();
  assert.ok(Math.abs(v[0]! - 1.01 ** 100) < 1e-4);
  assert.ok(rt.dispatches - dispatches >= 100);
  // 100+ dispatches and the read-back's copy in one submit.
  assert.is(rt.submits - submits, 1);
});

test('a read-back reuses its staging buffer: the second of the same size creates none', async () => {
  const rt = runtime();
  const x = ncl.tensor(Float32Array.from({ length: 3001 }, (_, i) => i), [3001]);
  assert.is((await x.data())[3000], 3000);
  const created = rt.buffersCreated;
  const y = ncl.mulScalar(x, 2);
  assert.is((await y.data())[3000], 6000);
  assert.is((await Promise.all([x.data(), y.data()]))[1][1], 2, 'two at once');
  const again = rt.buffersCreated;
  assert.is((await y.data())[3000], 6000);
  assert.is(rt.buffersCreated - again, 0, 'in the steady state no staging buffer is made');
  assert.ok(rt.buffersCreated - created <= 1, 'two read-backs in flight need at most one more');
  x.dispose();
  y.dispose();
});

test.run();
