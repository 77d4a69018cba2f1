// sum / mean / max over axes. Forward atol 1e-4 rtol 1e-5 (f32 sums of up to 10⁵ terms in a fixed
// order); gradients atol 1e-4 rtol 1e-3 against central differences of the float64 reference.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { reduce, type Arr } from '../../src/check/reference.ts';
import { REDUCE_ROWS } from '../../src/kernels/reduce.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';

const random = rng(2);
const sumF = (a: number, v: number) => a + v;

test.before(async () => {
  await device();
});

const cases: Array<[number[], number[], boolean]> = [
  [[7, 13], [1], false],
  [[7, 13], [0], true],
  [[3, 5, 11], [0, 2], false],
  [[3, 5, 11], [1, 2], true],
  [[2, 3, 4, 5], [0, 1, 2, 3], false],
  [[4, 300], [1], false],
];

for (const [shape, axes, keep] of cases) {
  const label = `${JSON.stringify(shape)} over ${JSON.stringify(axes)}${keep ? ' (keepDims)' : ''}`;
  test(`sum ${label}`, async () => {
    await checkOp({
      name: 'sum',
      inputs: [randomArr(shape, random)],
      gpu: ([x]) => ncl.sum(x!, axes, keep),
      ref: ([x]) => reduce(x!, axes, sumF, 0, keep),
    });
  });
  test(`mean ${label}`, async () => {
    const n = axes.reduce((p, a) => p * shape[a]!, 1);
    await checkOp({
      name: 'mean',
      inputs: [randomArr(shape, random)],
      gpu: ([x]) => ncl.mean(x!, axes, keep),
      ref: ([x]) => {
        const s = reduce(x!, axes, sumF, 0, keep);
        return { shape: s.shape, data: s.data.map((v) => v / n) };
      },
    });
  });
  test(`max ${label}`, async () => {
    await checkOp({
      name: 'max',
      inputs: [randomArr(shape, random)],
      gpu: ([x]) => ncl.max(x!, axes, keep),
      ref: ([x]) => reduce(x!, axes, Math.max, -Infinity, keep),
    });
  });
}

// Workgroup reductions over the contiguous axis (the GPU profile's, and a small form that makes
// several pieces of short rows): pieces with a short last one and a second pass over them, rows
// merged from two axes, and rows too short for a workgroup (reduced by invocations). Forward
// only: the gradients do not depend on how the forward reduced.
for (const rows of [REDUCE_ROWS.defaults.gpu, { by: 'workgroup', wg: 64, per: 4 }] as const) {
  for (const [shape, axes] of [
    [[3, 1000], [1]],
    [[2, 3, 700], [1, 2]],
    [[9000], [0]],
    [[7, 13], [1]],
  ] as const) {
    const label = `${JSON.stringify(shape)} over ${JSON.stringify(axes)}, rows by ${JSON.stringify(rows)}`;
    for (const [name, gpu, ref] of [
      ['sum', ncl.sum, (x: Arr) => reduce(x, [...axes], sumF, 0, false)],
      ['max', ncl.max, (x: Arr) => reduce(x, [...axes], Math.max, -Infinity, false)],
    ] as const) {
      test(`${name} ${label}`, async () => {
        const x = randomArr([...shape], random);
        const got = await REDUCE_ROWS.with(rows, () => gpu(toTensor(x), [...axes]).data());
        assertClose(got, ref(x).data, 1e-4, 1e-5, `${name} ${label}`);
      });
    }
  }
}

test('sum of all elements of a long vector uses the two-pass reduction and matches float64', async () => {
  const x = randomArr([100003], random);
  const got = await ncl.sum(toTensor(x)).data();
  assertClose(got, [x.data.reduce((a, b) => a + b, 0)], 2e-3, 1e-5, 'sum of 100003');
});

test('max gradient is shared equally between ties', async () => {
  const x = ncl.tensor([1, 3, 3, 2, 5, 5, 5, 0], [2, 4], { requiresGrad: true });
  ncl.tidy(() => ncl.backward(ncl.sum(ncl.max(x, 1))));
  assertClose(await x.grad!.data(), [0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3, 0], 1e-7, 0, 'tie gradient');
});

test('axis out of range names the axis and the shape', () => {
  const x = ncl.zeros([2, 3]);
  assert.throws(() => ncl.sum(x, 2), /axis 2 is out of range for shape \[2,3\]/);
});

test('two runs give identical bits', async () => {
  const x = toTensor(randomArr([64, 999], random));
  const a = await ncl.sum(x, [1]).data();
  const b = await ncl.sum(x, [1]).data();
  assert.equal(Array.from(a), Array.from(b));
});

test.run();
