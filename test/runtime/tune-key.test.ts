// The tuning cache keys each kernel family's winners by the hash of its shaders
// (src/runtime/tune-cache.ts), so the family's list must name every shader its variants dispatch:
// one left out could change without the cached winners being tuned anew. Here every candidate of
// both profiles (the GPU's workgroup-memory kernels too) runs the tuner's trial of a small
// problem of each shape class, and each shader dispatched must be in the list (what a listed
// shader includes is hashed with it). Every family registered must be among those checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { conv2dForwardKernel, conv2dInputGradKernel, conv2dWeightGradKernel } from '../../src/kernels/conv.ts';
import { convGeometry } from '../../src/kernels/conv-geometry.ts';
import { fillKernel } from '../../src/kernels/elementwise.ts';
import { matmulKernel } from '../../src/kernels/matmul.ts';
import { REDUCE_ROWS } from '../../src/kernels/reduce.ts';
import { runtime } from '../../src/runtime/context.ts';
import { variantKey } from '../../src/runtime/tunable.ts';
import { startChoices, takePending, tunableFamilies, type PendingClass } from '../../src/runtime/variant-choices.ts';
import { device } from '../helpers/setup.ts';

/** Records small work of every family in 'all' mode: each class it uses waits to be tuned. */
async function pendingClasses(): Promise<PendingClass[]> {
  startChoices('all');
  const a = fillKernel([6, 8], 0.5);
  const b = fillKernel([12, 8], 0.25);
  for (const transB of [false, true]) matmulKernel({ a, b: transB ? b : a.view([8, 6]), transA: false, transB }).dispose();
  const g = convGeometry([2, 3, 9, 9], [4, 3, 3, 3], { stride: 2, padding: 1 });
  const x = fillKernel([2, 3, 9, 9], 0.5);
  const w = fillKernel([4, 3, 3, 3], 0.25);
  const dy = fillKernel([2, 4, 5, 5], 0.125);
  for (const t of [conv2dForwardKernel(x, w, g), conv2dInputGradKernel(dy, w, g), conv2dWeightGradKernel(dy, x, g)]) t.dispose();
  ncl.tidy(() => {
    const z = ncl.tensor(Float32Array.from({ length: 20 * 8 }, (_, i) => Math.sin(i)), [20, 8]);
    ncl.contrastiveLoss(z, Array.from({ length: 20 }, (_, i) => i % 3), { tau: 0.1, fused: true });
    ncl.batchNorm2d(ncl.tensor(Float32Array.from({ length: 2 * 3 * 25 }, (_, i) => Math.cos(i)), [2, 3, 5, 5]), ncl.ones([3]), ncl.zeros([3]), { training: true });
    // One channel in 256 pieces or more for some cuts: its sum over pieces reduces rows (B = 1).
    ncl.batchNorm2d(ncl.full([1, 1, 512, 512], 0.5), ncl.ones([1]), ncl.zeros([1]), { training: true });
  });
  for (const t of [a, b, x, w, dy]) t.dispose();
  await runtime().sync();
  const pending = takePending();
  startChoices('off');
  return pending;
}

/** The shaders every candidate of both profiles that the adapter can run dispatches on the class's trial. */
async function shadersDispatched(p: PendingClass): Promise<Set<string>> {
  const rt = runtime();
  const runnable = [...p.family.candidates('cpu', p.cls), ...p.family.candidates('gpu', p.cls)].filter((v) => p.family.unavailable(v) === null);
  const candidates = new Map(runnable.map((v) => [variantKey(v), v]));
  const trial = p.family.trial(p.problem);
  const files = new Set<string>();
  const stop = rt.observeDispatches((request) => files.add(request.kernel.file));
  try {
    // Both ways of reducing rows (reduceKernel's REDUCE_ROWS), whichever the adapter's profile uses.
    for (const rows of Object.values(REDUCE_ROWS.defaults)) for (const v of candidates.values()) REDUCE_ROWS.using(rows, () => trial.run(v));
    await rt.sync();
  } finally {
    stop();
    trial.dispose();
  }
  files.delete('fill'); // the pool's NaN poisoning of fresh buffers (NCL_POISON), not the family's
  return files;
}

test("every shader a family's variants dispatch is part of its cache key", async () => {
  await device();
  const pending = await pendingClasses();
  // Families other test files define for their own use are named test-….
  const real = tunableFamilies().filter((f) => !f.name.startsWith('test-'));
  assert.equal([...new Set(pending.map((p) => p.family.name))].sort(), real.map((f) => f.name).sort(), 'a class of every family');
  const missing: string[] = [];
  const conv = new Set<string>();
  for (const p of pending) {
    const files = await shadersDispatched(p);
    for (const f of files) if (!p.family.files.includes(f)) missing.push(`${p.family.name} (${p.cls}): ${f}`);
    if (p.family.name === 'conv2d') for (const f of files) conv.add(f);
  }
  assert.equal(missing, [], 'shaders dispatched that the cache key does not hash');
  for (const f of ['conv2d_shared', 'conv2d_wgrad_shared']) assert.ok(conv.has(f), `the GPU profile's conv kernel ${f} ran`);
});

test.run();
