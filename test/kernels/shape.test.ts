// reshape, permute, transpose, slice, concat: pure data movement, so forward is exact and the
// gradients match finite differences to atol 1e-4 rtol 1e-3.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { concatRef, permute, sliceRef } from '../../src/check/reference.ts';
import { device, randomArr, rng } from '../helpers/setup.ts';

const random = rng(3);
const exact = { fwdAtol: 0, fwdRtol: 0 };

test.before(async () => {
  await device();
});

test('reshape with -1 shares data and passes the gradient through', async () => {
  await checkOp({
    name: 'reshape',
    inputs: [randomArr([3, 4, 5], random)],
    gpu: ([x]) => ncl.mul(ncl.reshape(x!, [-1, 10]), 2),
    ref: ([x]) => ({ shape: [6, 10], data: x!.data.map((v) => 2 * v) }),
    ...exact,
  });
});

for (const [shape, perm] of [
  [[3, 5], [1, 0]],
  [[2, 3, 4], [2, 0, 1]],
  [[2, 3, 4, 5], [0, 2, 3, 1]],
] as Array<[number[], number[]]>) {
  test(`permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}`, async () => {
    await checkOp({ name: 'permute', inputs: [randomArr(shape, random)], gpu: ([x]) => ncl.permute(x!, perm), ref: ([x]) => permute(x!, perm), ...exact });
  });
}

test('transpose of the last two axes of a batch', async () => {
  await checkOp({ name: 'transpose', inputs: [randomArr([2, 7, 3], random)], gpu: ([x]) => ncl.transpose(x!), ref: ([x]) => permute(x!, [0, 2, 1]), ...exact });
});

test('slice with offsets on every axis', async () => {
  await checkOp({
    name: 'slice',
    inputs: [randomArr([5, 7, 9], random)],
    gpu: ([x]) => ncl.slice(x!, [1, 2, 3], [3, -1, 4]),
    ref: ([x]) => sliceRef(x!, [1, 2, 3], [3, 5, 4]),
    ...exact,
  });
});

test('concat along the middle axis, three inputs of different widths', async () => {
  await checkOp({
    name: 'concat',
    inputs: [randomArr([2, 3, 4], random), randomArr([2, 1, 4], random), randomArr([2, 5, 4], random)],
    gpu: (xs) => ncl.concat(xs, 1),
    ref: (xs) => concatRef(xs, 1),
    ...exact,
  });
});

test('errors name the shapes involved', () => {
  const x = ncl.zeros([2, 3]);
  assert.throws(() => ncl.reshape(x, [4, 2]), /\[2,3\].*\[4,2\]/);
  assert.throws(() => ncl.slice(x, [1, 0], [2, 3]), /outside axis 0/);
  assert.throws(() => ncl.concat([x, ncl.zeros([3, 3])], 1), /\[2,3\] and \[3,3\]/);
  assert.throws(() => ncl.permute(x, [0, 0]), /not a permutation/);
});

test.run();
