// softmax, log-softmax and L2 normalisation along an axis. Forward atol 1e-6 rtol 1e-5;
// gradients atol 1e-4 rtol 1e-3 against central differences of the float64 reference.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { runtime } from '../../src/runtime/context.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { reduce, softmax as refSoftmax, zip, type Arr } from '../../src/check/reference.ts';
import { device, randomArr, rng } from '../helpers/setup.ts';

const random = rng(5);
const FWD = { fwdAtol: 1e-6, fwdRtol: 1e-5 };

test.before(async () => {
  await device();
});

for (const [shape, axis] of [
  [[4, 9], 1],
  [[4, 9], 0],
  [[2, 5, 3], 1],
  [[3, 130], -1],
] as Array<[number[], number]>) {
  const ax = axis < 0 ? axis + shape.length : axis;
  test(`softmax ${JSON.stringify(shape)} axis ${axis}`, async () => {
    await checkOp({ name: 'softmax', inputs: [randomArr(shape, random, -3, 3)], gpu: ([x]) => ncl.softmax(x!, axis), ref: ([x]) => refSoftmax(x!, ax), ...FWD });
  });
  test(`logSoftmax ${JSON.stringify(shape)} axis ${axis}`, async () => {
    await checkOp({ name: 'logSoftmax', inputs: [randomArr(shape, random, -3, 3)], gpu: ([x]) => ncl.logSoftmax(x!, axis), ref: ([x]) => refSoftmax(x!, ax, true), ...FWD });
  });
  test(`l2Normalize ${JSON.stringify(shape)} axis ${axis}`, async () => {
    const ref = ([x]: Arr[]) => {
      const norm = reduce({ shape: x!.shape, data: x!.data.map((v) => v * v) }, [ax], (a, v) => a + v, 0, true);
      return zip(x!, norm, (v, n) => v / Math.sqrt(n + 1e-12));
    };
    await checkOp({ name: 'l2Normalize', inputs: [randomArr(shape, random)], gpu: ([x]) => ncl.l2Normalize(x!, axis), ref, ...FWD });
  });
}

test('softmax is stable for large logits', async () => {
  const y = await ncl.softmax(ncl.tensor([1000, 1000, -1000, 0], [4])).data();
  assert.equal(Array.from(y), [0.5, 0.5, 0, 0]);
  const l = await ncl.logSoftmax(ncl.tensor([1000, 0], [2])).data();
  assert.is(l[0], 0);
  assert.is(l[1], -1000);
});

test('an axis too long for a loop-capped adapter is refused there, not silently cut; elsewhere it runs', async () => {
  const x = ncl.zeros([30000]);
  if (runtime().adapter.loopIterationCap !== null) assert.throws(() => ncl.softmax(x), /softmax: an axis of 30000 needs 90000 loop iterations/);
  else assert.ok((await ncl.softmax(x).data()).every((v) => Math.abs(v - 1 / 30000) < 1e-9));
});

test.run();
