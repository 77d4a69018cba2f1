// Max and average pooling (kernel, stride, padding; overlapping windows, stride larger than the
// kernel, padding counted or not) and global average pooling: forward against float64 and
// gradients against central finite differences (random inputs, so max-pool ties are absent).
// Tolerance: forward atol 1e-6 rtol 1e-5; gradients atol 1e-4 rtol 1e-3.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import type { PoolOptions } from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { refPool } from '../../src/check/pool-reference.ts';

const random = rng(61);
const FWD = { fwdAtol: 1e-6, fwdRtol: 1e-5 };

test.before(async () => {
  await device();
});

const cases: Array<[string, number[], PoolOptions]> = [
  ['3×3 s2 p1 on odd 9×11 (the ResNet stem)', [2, 2, 9, 11], { kernel: 3, stride: 2, padding: 1 }],
  ['2×2 s2 on 8×6', [1, 3, 8, 6], { kernel: 2 }],
  ['3×3 s1 p1 (overlapping)', [1, 2, 7, 5], { kernel: 3, stride: 1, padding: 1 }],
  ['kernel 2×3, stride (1,2), padding (1,1)', [1, 2, 6, 9], { kernel: [2, 3], stride: [1, 2], padding: [1, 1] }],
  ['stride 3 > kernel 2 (pixels in no window)', [1, 2, 8, 8], { kernel: 2, stride: 3 }],
];

for (const [name, shape, o] of cases) {
  test(`maxPool2d ${name}`, async () => {
    await checkOp({ name, inputs: [randomArr(shape, random)], gpu: ([x]) => ncl.maxPool2d(x!, o), ref: ([x]) => refPool(x!, o, true), ...FWD });
  });
  for (const countIncludePad of [true, false]) {
    test(`avgPool2d ${name}, countIncludePad ${countIncludePad}`, async () => {
      const oo = { ...o, countIncludePad };
      await checkOp({ name, inputs: [randomArr(shape, random)], gpu: ([x]) => ncl.avgPool2d(x!, oo), ref: ([x]) => refPool(x!, oo, false), ...FWD });
    });
  }
}

test('globalAvgPool: [N, C, H, W] → [N, C, 1, 1]', async () => {
  await checkOp({
    name: 'globalAvgPool',
    inputs: [randomArr([2, 3, 5, 7], random)],
    gpu: ([x]) => ncl.globalAvgPool(x!),
    ref: ([x]) => refPool(x!, { kernel: [5, 7] }, false),
    ...FWD,
  });
});

test('larger forward: 4×8×33×31 max 3×3 s2 p1 and avg 2×2', async () => {
  const x = randomArr([4, 8, 33, 31], random);
  const o1 = { kernel: 3, stride: 2, padding: 1 };
  assertClose(await ncl.maxPool2d(toTensor(x), o1).data(), refPool(x, o1, true).data, 1e-6, 1e-5, 'max pool');
  assertClose(await ncl.avgPool2d(toTensor(x), { kernel: 2 }).data(), refPool(x, { kernel: 2 }, false).data, 1e-6, 1e-5, 'avg pool');
});

test('max pool gradient goes to the first maximum of a tie', async () => {
  const x = ncl.tensor([1, 1, 0, 0], [1, 1, 2, 2], { requiresGrad: true });
  ncl.backward(ncl.sum(ncl.maxPool2d(x, { kernel: 2 })));
  assert.equal(Array.from(await x.grad!.data()), [1, 0, 0, 0]);
});

test('padding larger than half the kernel is an error', () => {
  assert.throws(() => ncl.maxPool2d(ncl.zeros([1, 1, 5, 5]), { kernel: 3, padding: 2 }), /padding must be between 0 and half/);
});

test.run();
