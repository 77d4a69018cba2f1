// Seeded dropout: the mask equals a CPU re-implementation of the counter-based hash (exact), the
// kept fraction is close to 1 − p, the same key reproduces the same mask and a new step gives a
// new one, the generator's state round-trips, and the gradient applies the forward's mask
// (checked exactly against y/x, and against finite differences).
// Tolerance: exact for masks; kept fraction within 0.01 of 1 − p over 2¹⁶ elements; values
// atol 1e-6 rtol 1e-6.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { arr } from '../../src/check/reference.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { keptCpu } from '../../src/check/dropout-reference.ts';

const random = rng(81);

test.before(async () => {
  await device();
});

test('mask matches the CPU hash and keeps about 1 − p', async () => {
  const n = 1 << 16;
  for (const [p, seed, step] of [
    [0.1, 7, 0],
    [0.5, 123456789, 41],
    [0.9, 0xffffffff, 3],
  ] as Array<[number, number, number]>) {
    const y = await ncl.dropout(ncl.ones([n]), p, { seed, step }).data();
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const want = keptCpu(i, seed, step, p);
      if (want !== (y[i] !== 0)) throw new Error(`p ${p}: element ${i} kept ${y[i] !== 0}, hash says ${want}`);
      if (want) {
        kept++;
        assert.ok(Math.abs(y[i]! - 1 / (1 - p)) < 1e-6);
      }
    }
    assert.ok(Math.abs(kept / n - (1 - p)) < 0.01, `p ${p}: kept ${kept / n}`);
  }
});

test('same key, same mask; next step, new mask; state round-trips', async () => {
  const x = ncl.ones([4096]);
  const gen = new ncl.DropoutGenerator(99);
  const a = await ncl.dropout(x, 0.5, gen).data();
  const b = await ncl.dropout(x, 0.5, gen).data();
  assert.equal(gen.state(), { seed: 99, step: 2 });
  const again = await ncl.dropout(x, 0.5, { seed: 99, step: 0 }).data();
  assert.equal(Array.from(again), Array.from(a));
  assert.not.equal(Array.from(b), Array.from(a));
  const restored = ncl.DropoutGenerator.restore(gen.state());
  const c = await ncl.dropout(x, 0.5, restored).data();
  const d = await ncl.dropout(x, 0.5, { seed: 99, step: 2 }).data();
  assert.equal(Array.from(c), Array.from(d));
});

test('eval mode and p = 0 are the identity and do not advance the generator', () => {
  const x = ncl.ones([8]);
  const gen = new ncl.DropoutGenerator(1);
  assert.is(ncl.dropout(x, 0.3, gen, false), x);
  assert.is(ncl.dropout(x, 0, gen), x);
  assert.is(gen.step, 0);
});

test('gradient applies the forward mask: dx = g·m/(1 − p)', async () => {
  const key = { seed: 5, step: 17 };
  const p = 0.4;
  const x = randomArr([3, 5, 7], random, 0.5, 1.5);
  const ref = ([v]: ReturnType<typeof arr>[]) => {
    const out = arr([...v!.shape]);
    v!.data.forEach((e, i) => (out.data[i] = keptCpu(i, key.seed, key.step, p) ? e / (1 - p) : 0));
    return out;
  };
  await checkOp({ name: 'dropout', inputs: [x], gpu: ([t]) => ncl.dropout(t!, p, key), ref, fwdAtol: 1e-6, fwdRtol: 1e-6 });
  const t = toTensor(x, true);
  const y = ncl.dropout(t, p, key);
  ncl.backward(ncl.sum(y));
  const g = await t.grad!.data();
  const yv = await y.data();
  assertClose(g, Array.from(yv, (v, i) => v / x.data[i]!), 1e-6, 1e-6, 'gradient = y/x');
});

test('p outside [0, 1) is an error', () => {
  assert.throws(() => ncl.dropout(ncl.ones([2]), 1, { seed: 0, step: 0 }), /p must be in \[0, 1\)/);
});

test.run();
