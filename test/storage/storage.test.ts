// Storage and tensors: dtypes, shared views, and the storage an op saves for its backward.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { runtime } from '../../src/runtime/context.ts';
import { Storage } from '../../src/storage/storage.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

const inUse = () => runtime().pool.stats().inUse;

test('i32 and u32 tensors keep their values exactly and say their dtype', async () => {
  const big = 2 ** 31 + 5; // not representable in f32
  const u = ncl.tensor([0, 7, big, 2 ** 32 - 1], [4], { dtype: 'u32' });
  assert.is(u.dtype, 'u32');
  assert.equal(Array.from(await u.values()), [0, 7, big, 2 ** 32 - 1]);
  const i = ncl.tensor([-3, 0, 2 ** 31 - 1], [3], { dtype: 'i32' });
  assert.equal(Array.from(await i.values()), [-3, 0, 2 ** 31 - 1]);
  assert.match(i.describe(), /\[3\] i32/);
  const refused = await u.data().then(() => null, (e: Error) => e.message);
  assert.match(refused ?? 'read', /data\(\) reads f32 tensors; tensor \[4\] u32 is read with values\(\)/);
  assert.throws(() => ncl.tensor([1.5], [1], { dtype: 'i32' }), /value 1.5 at 0 is not a i32/);
  assert.throws(() => ncl.tensor([-1], [1], { dtype: 'u32' }), /value -1 at 0 is not a u32/);
  assert.throws(() => ncl.tensor([1], [1], { dtype: 'u32', requiresGrad: true }), /a u32 tensor cannot require a gradient/);
  u.dispose();
  i.dispose();
});

test('views share one buffer, which returns to the pool with the last of them', async () => {
  const before = inUse();
  const s = Storage.fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
  const v = s.view([3, 2]);
  assert.is(inUse(), before + 1);
  s.dispose();
  assert.ok(s.disposed);
  assert.equal(Array.from(await v.read()), [1, 2, 3, 4, 5, 6]);
  assert.is(inUse(), before + 1);
  v.dispose();
  v.dispose(); // twice is safe
  assert.is(inUse(), before);
  assert.throws(() => v.binding, /f32 storage \[3,2\] was disposed/);
});

test('batch norm saves its statistics for the backward pass and releases them with its output', async () => {
  const x = ncl.tensor(Array.from({ length: 2 * 3 * 4 }, (_, k) => Math.sin(k)), [2, 3, 2, 2], { requiresGrad: true });
  const w = ncl.ones([3], { requiresGrad: true });
  const b = ncl.zeros([3], { requiresGrad: true });
  const before = inUse();
  const y = ncl.batchNorm2d(x, w, b, { training: true });
  assert.is(y.node!.saved.length, 1);
  assert.equal(y.node!.saved[0]!.shape, [2, 3]);
  assert.is(inUse(), before + 2); // the output and the saved statistics
  y.dispose();
  assert.is(inUse(), before);
  // Without a graph nothing is kept.
  const z = ncl.noGrad(() => ncl.batchNorm2d(x, w, b, { training: true }));
  assert.is(z.node, null);
  assert.is(inUse(), before + 1);
  z.dispose();
  for (const t of [x, w, b]) t.dispose();
});

test('max pooling saves the u32 position of each maximum only when a graph is recorded', async () => {
  const x = ncl.tensor([1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 1, 2, 0, 0, 3, 1], [1, 1, 4, 4], { requiresGrad: true });
  const y = ncl.maxPool2d(x, { kernel: 2 });
  const [argmax] = y.node!.saved;
  assert.is(argmax!.dtype, 'u32');
  assert.equal(Array.from(await argmax!.values()), [1, 6, 8, 14]); // r·W + c in the 4×4 plane
  assert.is(ncl.noGrad(() => ncl.maxPool2d(x, { kernel: 2 })).node, null);
  y.dispose();
  assert.ok(argmax!.disposed);
  x.dispose();
});

test('a tidy scope releases what an op saved along with the intermediate tensors', async () => {
  const x = ncl.tensor([1, -2, 3, 0.5], [1, 1, 2, 2], { requiresGrad: true });
  const w = ncl.ones([1], { requiresGrad: true });
  const b = ncl.zeros([1], { requiresGrad: true });
  const before = inUse();
  ncl.tidy(() => {
    const loss = ncl.sum(ncl.batchNorm2d(x, w, b, { training: true }));
    ncl.backward(loss);
  });
  // Only the three gradients remain.
  assert.is(inUse(), before + 3);
  for (const t of [x, w, b]) {
    t.zeroGrad();
    t.dispose();
  }
});

test.run();
