// `ncl selfcheck`'s checks (src/check/selfcheck.ts) pass on this adapter and cover every kernel
// family; the comparison fails on a wrong or non-finite element. (With the contrastive shaders of
// before the loop-local `var` fix, `ncl selfcheck --browser` fails its four contrastive checks.)
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compare, runSelfcheck } from '../../src/check/selfcheck.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

test('every check passes on this adapter, and every kernel family is checked', async () => {
  const results = await runSelfcheck();
  const failed = results.filter((r) => !r.ok).map((r) => `${r.family}: ${r.check} (${r.failure ?? r.maxAbsError})`);
  assert.equal(failed, []);
  const families = new Set(results.map((r) => r.family));
  for (const f of ['matmul', 'conv2d', 'batch norm', 'resize', 'pooling', 'losses', 'softmax', 'dropout', 'gather / scatter', 'optimisers', 'patch pooling', 'contrastive (fused)']) assert.ok(families.has(f), f);
  const checks = results.map((r) => r.check).join('\n');
  for (const part of ['input gradient', 'weight gradient', '(cpu tiling) gradient', '(gpu tiling) gradient', 'vec4 8×8 per invocation', 'shared 8×8 per invocation', 'split-K', 'align corners false', 'eval ', 'AdamW']) assert.ok(checks.includes(part), part);
});

test('a check fails on a wrong element, a non-finite one or a length mismatch', () => {
  const part = { name: 't', want: [1, 2, 3], atol: 1e-3, rtol: 0 };
  const near = compare({ ...part, got: [1, 2.0005, 3] });
  assert.ok(near.ok && Math.abs(near.maxAbsError - 0.0005) < 1e-9);
  assert.is(compare({ ...part, got: [1, 2.01, 3] }).ok, false);
  assert.equal(compare({ ...part, got: [1, NaN, 3] }), { maxAbsError: Infinity, ok: false });
  assert.is(compare({ ...part, got: [1, 2] }).ok, false);
});

test.run();
