// The graph machinery: accumulation over fan-out and reuse, no-grad, tidy and the buffer pool,
// errors that name kernels and shapes, debug mode.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { initDevice, runtime, shutdownDevice } from '../../src/runtime/context.ts';
import { NonFiniteError } from '../../src/runtime/debug.ts';
import { assertClose, device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

test('fan-out and reuse accumulate: y = x·x + 3x + exp(x) ⇒ dy/dx = 2x + 3 + exp(x)', async () => {
  const xs = [-1.5, -0.2, 0.3, 2];
  const x = ncl.tensor(xs, [4], { requiresGrad: true });
  ncl.tidy(() => {
    const y = ncl.add(ncl.add(ncl.mul(x, x), ncl.mul(x, 3)), ncl.exp(x));
    ncl.backward(ncl.sum(y));
  });
  assertClose(await x.grad!.data(), xs.map((v) => 2 * v + 3 + Math.exp(v)), 1e-5, 1e-5, 'dy/dx');
});

test('a shared intermediate used by two branches gets both gradients (diamond)', async () => {
  // h = 2x; y = sum(h·h) + sum(h) ⇒ dy/dx = 2·(2h + 1) = 8x + 2
  const x = ncl.tensor([1, -2, 0.5], [3], { requiresGrad: true });
  ncl.tidy(() => {
    const h = ncl.mul(x, 2);
    ncl.backward(ncl.add(ncl.sum(ncl.mul(h, h)), ncl.sum(h)));
  });
  assertClose(await x.grad!.data(), [10, -14, 6], 1e-6, 1e-6, 'diamond');
});

test('gradients accumulate across backward calls until zeroGrad', async () => {
  const x = ncl.tensor([1, 2], [2], { requiresGrad: true });
  for (let i = 0; i < 3; i++) ncl.tidy(() => ncl.backward(ncl.sum(ncl.mul(x, x))));
  assertClose(await x.grad!.data(), [6, 12], 1e-6, 0, 'three accumulations');
  x.zeroGrad();
  assert.is(x.grad, null);
});

test('noGrad records no graph', () => {
  const x = ncl.tensor([1, 2], [2], { requiresGrad: true });
  const y = ncl.noGrad(() => ncl.mul(x, 2));
  assert.is(y.node, null);
  assert.is(y.requiresGrad, false);
  const z = ncl.mul(x, 2);
  assert.is(z.node?.op, 'mulScalar');
  assert.throws(() => ncl.backward(ncl.sum(y)), /does not require a gradient/);
});

test('tidy returns every intermediate buffer to the pool; returned tensors survive', async () => {
  const x = ncl.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
  await runtime().sync();
  const before = runtime().pool.stats().inUse;
  const kept = ncl.tidy(() => {
    const y = ncl.matmul(x, x);
    const loss = ncl.sum(ncl.softmax(ncl.add(y, 1), 1));
    ncl.backward(loss);
    return loss;
  });
  // Live now: the loss and x's gradient (kept by backward).
  assert.is(runtime().pool.stats().inUse, before + 2);
  assert.ok(!kept.disposed);
  kept.dispose();
  x.zeroGrad();
  assert.is(runtime().pool.stats().inUse, before);
});

test('released buffers are reused, not re-created', async () => {
  const x = ncl.full([1000], 1);
  const step = () => ncl.tidy(() => void ncl.sum(ncl.exp(ncl.mul(x, 2))));
  step();
  await runtime().sync();
  const created = runtime().pool.stats().created;
  for (let i = 0; i < 20; i++) step();
  await runtime().sync();
  assert.is(runtime().pool.stats().created, created);
});

test('a tidy whose function throws releases what it created', () => {
  const before = runtime().pool.stats().inUse;
  assert.throws(() =>
    ncl.tidy(() => {
      ncl.exp(ncl.full([10], 1));
      throw new Error('boom');
    }),
  /boom/);
  assert.is(runtime().pool.stats().inUse, before);
});

test('using a disposed tensor names it', () => {
  const x = ncl.tensor([1], [1], { name: 'weights' });
  x.dispose();
  assert.throws(() => ncl.exp(x), /tensor 'weights' \[1\] was disposed/);
});

test('an invalid kernel is reported with its name and the WGSL line', async () => {
  const rt = runtime();
  rt.pipelines.compile('broken-test-kernel', 'test-inline', '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = undefined_symbol;\n}\n');
  try {
    await rt.sync();
    assert.unreachable('the compile error should surface');
  } catch (e) {
    const msg = (e as Error).message;
    assert.match(msg, /broken-test-kernel/);
    assert.match(msg, /undefined_symbol/);
  }
});

test('debug mode names the first op whose output is not finite', async () => {
  shutdownDevice();
  await initDevice({ debug: true });
  try {
    // 3e38 + 1 is finite; ×10 overflows to +Inf (IEEE rounding, on every adapter; log 0, which
    // WGSL leaves undefined, gives a finite value on SwiftShader).
    const y = ncl.add(ncl.tensor([1, 3e38, 4], [3]), 1);
    const z = ncl.mul(y, 10);
    const w = ncl.mul(z, 2);
    try {
      await w.data();
      assert.unreachable('debug mode should stop');
    } catch (e) {
      assert.instance(e, NonFiniteError);
      assert.match((e as Error).message, /op 'mulScalar' \(inputs \[3\] → \[3\]\), kernel #2 since the last sync/);
    }
  } finally {
    shutdownDevice();
    await initDevice();
  }
});

test('a lost device becomes a clear error on the next use', async () => {
  const x = ncl.tensor([1, 2], [2]);
  runtime().device.destroy(); // what a driver reset looks like to the runtime
  await new Promise((r) => setTimeout(r, 50));
  try {
    assert.throws(() => ncl.exp(x), /WebGPU device lost \(destroyed\)/);
  } finally {
    shutdownDevice();
    await initDevice();
  }
});

test.run();
