// Elementwise ops: forward against float64, backward against finite differences.
// Tolerances: forward atol 1e-5 rtol 1e-5 (f32 rounding of one operation; exp/log/tanh ≤ 2e-6 rel
// on llvmpipe); gradients atol 1e-4 rtol 1e-3 (the f32 backward vs a float64 central difference).
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { map, zip } from '../../src/check/reference.ts';
import { device, randomArr, rng, toTensor } from '../helpers/setup.ts';

const random = rng(1);
const FWD = { fwdAtol: 1e-5, fwdRtol: 1e-5 };

test.before(async () => {
  await device();
});

const unary: Array<[string, (t: ncl.Tensor) => ncl.Tensor, (v: number) => number, number, number]> = [
  ['neg', ncl.neg, (v) => -v, -2, 2],
  ['exp', ncl.exp, Math.exp, -3, 3],
  ['log', ncl.log, Math.log, 0.2, 4],
  ['sqrt', ncl.sqrt, Math.sqrt, 0.2, 4],
  ['pow 3 (negative x)', (t) => ncl.pow(t, 3), (v) => v ** 3, -2, 2],
  ['pow 2.5', (t) => ncl.pow(t, 2.5), (v) => v ** 2.5, 0.3, 2],
  ['pow -1', (t) => ncl.pow(t, -1), (v) => 1 / v, 0.5, 2],
  ['relu', ncl.relu, (v) => Math.max(v, 0), -2, 2],
  ['sigmoid', ncl.sigmoid, (v) => 1 / (1 + Math.exp(-v)), -6, 6],
  ['tanh', ncl.tanh, Math.tanh, -3, 3],
  ['addScalar', (t) => ncl.add(t, 0.75), (v) => v + 0.75, -2, 2],
  ['mulScalar', (t) => ncl.mul(t, -1.5), (v) => v * -1.5, -2, 2],
];

for (const [name, gpu, ref, lo, hi] of unary) {
  test(`${name}: forward and gradient, 3×7×13 (not a multiple of the workgroup)`, async () => {
    let x = randomArr([3, 7, 13], random, lo, hi);
    // Keep relu away from its kink, where the finite difference is meaningless.
    if (name === 'relu') x = map(x, (v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
    await checkOp({ name, inputs: [x], gpu: ([t]) => gpu(t!), ref: ([a]) => map(a!, ref), ...FWD, fwdAtol: 2e-5, fwdRtol: 1e-5 });
  });
}

test('sigmoid and tanh stay finite for large |x|', async () => {
  const x = ncl.tensor([-100, -30, 30, 100], [4]);
  const s = await ncl.sigmoid(x).data();
  const t = await ncl.tanh(x).data();
  assert.ok(s[0]! >= 0 && s[0]! < 1e-30);
  assert.ok(Math.abs(s[1]! - 1 / (1 + Math.exp(30))) < 1e-18);
  assert.equal(Array.from(s.slice(2)), [1, 1]);
  assert.equal(Array.from(t), [-1, -1, 1, 1]);
});

const binary: Array<[string, (a: ncl.Tensor, b: ncl.Tensor) => ncl.Tensor, (x: number, y: number) => number]> = [
  ['add', ncl.add, (x, y) => x + y],
  ['sub', ncl.sub, (x, y) => x - y],
  ['mul', ncl.mul, (x, y) => x * y],
  ['div', ncl.div, (x, y) => x / y],
];

const shapePairs: Array<[number[], number[]]> = [
  [[5, 33], [5, 33]],
  [[4, 1, 6], [3, 1]],
  [[1], [2, 3, 5]],
  [[2, 1, 3, 1], [1, 4, 1, 5]],
];

for (const [name, gpu, ref] of binary) {
  for (const [sa, sb] of shapePairs) {
    test(`${name}: ${JSON.stringify(sa)} with ${JSON.stringify(sb)} (broadcast), forward and gradients`, async () => {
      const a = randomArr(sa, random);
      // Divisors away from zero.
      const b = name === 'div' ? randomArr(sb, random, 0.5, 2) : randomArr(sb, random);
      await checkOp({ name, inputs: [a, b], gpu: ([x, y]) => gpu(x!, y!), ref: ([x, y]) => zip(x!, y!, ref), ...FWD });
    });
  }
}

test('mismatched shapes: the error names both shapes', () => {
  const a = ncl.zeros([2, 3]);
  const b = ncl.zeros([4, 3]);
  assert.throws(() => ncl.add(a, b), /\[2,3\] and \[4,3\]/);
  a.dispose();
  b.dispose();
});

test('large elementwise op folds its dispatch past 65 535 workgroups', async () => {
  // 65 535 · 256 + 1000 elements need 65 539 workgroups of 256: a 2-D grid.
  const n = 65535 * 256 + 1000;
  const x = ncl.full([n], 2);
  const y = ncl.mul(x, 3);
  const data = await y.data();
  assert.is(data[0], 6);
  assert.is(data[n - 1], 6);
  assert.is(data[65535 * 256 + 7], 6);
  assert.ok(data.every((v) => v === 6));
  x.dispose();
  y.dispose();
});

test('fromArray checks the number of values against the shape', () => {
  assert.throws(() => toTensor({ shape: [2, 2], data: new Float64Array(3) }), /3 values but shape \[2,2\] needs 4/);
});

test.run();
