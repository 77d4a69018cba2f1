// The tuner: it times every candidate of a shape class and keeps the fastest (a test family whose
// slow variant records forty dispatches where the fast one records one), pins it for the run and
// writes it to the cache store, which a later run reads; 'off' ignores the cache; clearing empties
// it; real families (matmul, the fused contrastive loss, batch norm's channel sums) are tuned and
// their winners compute correctly; a checkpoint's record with an unknown variant is refused.
// Runs in the browser suite too: there the store is the page's localStorage, on Node one in memory
// (the files in $XDG_CACHE_HOME and the CLI: test/cli/tune-cli.test.ts; resume reusing recorded
// variants: test/ncl/train.test.ts).
// browser: yes
import platform from '#platform';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { matmul as refMatmul } from '../../src/check/reference.ts';
import { clearTuneCache, hasPending, startChoices, tunePending, variantRecord } from '../../src/device.ts';
import type { CacheStore } from '../../src/platform/platform.ts';
import { runtime } from '../../src/runtime/context.ts';
import { useCacheStore } from '../../src/runtime/tune-cache.ts';
import { fillKernel } from '../../src/kernels/elementwise.ts';
import { BATCHNORM_SUMS_CANDIDATES } from '../../src/kernels/batchnorm.ts';
import { CONTRASTIVE_CANDIDATES } from '../../src/kernels/contrastive.ts';
import { MATMUL_CANDIDATES } from '../../src/kernels/matmul.ts';
import { VariantFamily } from '../../src/kernels/variants.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';

interface Fills {
  dispatches: number;
}
const SLOW: Fills = { dispatches: 40 };
const FAST: Fills = { dispatches: 1 };

/** A family whose variants differ only in work done: the tuner must find the fast one. */
const FILLS = new VariantFamily<Fills, number>(
  { cpu: SLOW, gpu: SLOW },
  {
    name: 'test-fills',
    files: ['fill'],
    classify: (n) => `n${n}`,
    candidates: () => [SLOW, FAST],
    describe: (n) => `${n} elements`,
    trial: (n) => ({ run: () => fills(n), dispose: () => {} }),
  },
);

function fills(n: number): Fills {
  const v = FILLS.current(n);
  for (let i = 0; i < v.dispatches; i++) fillKernel([n], 1).dispose();
  return v;
}

function memoryStore(): CacheStore {
  const entries = new Map<string, string>();
  return {
    location: 'memory',
    read: (name) => entries.get(name) ?? null,
    write: (name, text) => void entries.set(name, text),
    list: () => [...entries.keys()],
    remove: (name) => void entries.delete(name),
  };
}

const store = platform.name === 'browser' ? platform.cacheStore() : memoryStore();

test.before(async () => {
  await device();
  useCacheStore(store);
  clearTuneCache();
});

test.after(() => {
  startChoices('off');
  useCacheStore(null);
});

const cacheEntries = () => store.list().filter((n) => n.startsWith('tune-'));

test('lazy: an unseen class runs the default and waits; the tuner picks the fastest variant and caches it', async () => {
  startChoices('lazy');
  assert.equal(fills(1 << 16), SLOW);
  assert.ok(hasPending());
  const rows = await tunePending({ repeat: 3 });
  assert.is(rows.length, 1);
  const [row] = rows;
  assert.is(row!.family, 'test-fills');
  assert.is(row!.cls, 'n65536');
  assert.is(row!.candidates.length, 2);
  for (const c of row!.candidates) assert.ok(c.ms! > 0 && c.runs >= 1, `timed ${JSON.stringify(c)}`);
  assert.equal(row!.chosen, FAST, `fast ${row!.candidates[1]!.ms} ms against slow ${row!.candidates[0]!.ms} ms`);
  assert.not.ok(hasPending());
  assert.equal(fills(1 << 16), FAST, 'the winner is pinned for the run');
  assert.equal(variantRecord()['test-fills'], { n65536: FAST });
  const names = cacheEntries();
  assert.is(names.length, 1);
  const stored = JSON.parse(store.read(names[0]!)!) as { families: Record<string, Record<string, { variant: unknown }>> };
  const key = Object.keys(stored.families).find((k) => k.startsWith('test-fills@'));
  assert.ok(key, `family key in ${Object.keys(stored.families).join(', ')}`);
  assert.equal(stored.families[key!]!.n65536!.variant, FAST);
});

test('a stop request ends tuning before the next candidate: that class and the rest stay untuned and keep the default', async () => {
  startChoices('lazy');
  fills(1 << 17);
  fills(1 << 18);
  let asked = 0;
  const started: number[] = [];
  const rows = await tunePending({ repeat: 1, onStart: (n) => started.push(n), shouldStop: () => ++asked > 1 });
  assert.equal(started, [2], 'two classes waiting, said before the first is tuned');
  assert.is(rows.length, 0, 'the first class had one of its two candidates timed: not pinned');
  assert.is(asked, 2);
  assert.not.ok(hasPending());
  assert.equal(fills(1 << 17), SLOW, 'the default runs on');
  startChoices('off');
});

test('a later run reads the cache: the cached class is not tuned again; another class is', () => {
  useCacheStore(store);
  startChoices('lazy');
  assert.equal(fills(1 << 16), FAST);
  assert.not.ok(hasPending());
  assert.equal(fills(1 << 20), SLOW);
  assert.ok(hasPending());
});

test("'off' keeps the default whatever the cache holds, and nothing waits", () => {
  useCacheStore(store);
  startChoices('off');
  assert.equal(fills(1 << 16), SLOW);
  assert.not.ok(hasPending());
});

test('recorded variants are pinned in any mode; an unknown one is refused, naming the family and class', () => {
  startChoices('off', { 'test-fills': { n65536: FAST } });
  assert.equal(fills(1 << 16), FAST);
  assert.throws(() => startChoices('off', { 'test-fills': { n65536: { dispatches: 7 } } }), /test-fills variant \{"dispatches":7\} for shape class 'n65536'/);
  assert.throws(() => startChoices('off', { 'no-such-family': {} }), /kernel family 'no-such-family'/);
});

test('clear empties the cache: the class is unseen again', () => {
  const { removed } = clearTuneCache();
  assert.is(removed.length, 1);
  assert.is(cacheEntries().length, 0);
  startChoices('lazy');
  assert.equal(fills(1 << 16), SLOW);
  assert.ok(hasPending());
});

test("'all' times a matmul class anew over every candidate; the winner's product matches float64", async () => {
  const random = rng(9);
  const a = randomArr([70, 33], random);
  const b = randomArr([33, 50], random);
  const { row } = await tuneOneClass(async () => ncl.matmul(toTensor(a), toTensor(b)).dispose(), 'matmul', MATMUL_CANDIDATES.length);
  assert.ok(MATMUL_CANDIDATES.includes(row.chosen as never));
  const got = await ncl.matmul(toTensor(a), toTensor(b)).data();
  assert.equal(Object.values(variantRecord().matmul!), [row.chosen]);
  assertClose(got, refMatmul(a, b).data, 1e-5, 1e-4, `matmul with ${JSON.stringify(row.chosen)}`);
});

/**
 * Runs `work` with the defaults (its result is returned as `before`), then in 'all' mode, and tunes
 * what that left pending: exactly one class of `family`, every one of its `candidates` timed.
 */
async function tuneOneClass<T>(work: () => Promise<T>, family: string, candidates: number) {
  startChoices('off');
  const before = await work();
  startChoices('all');
  await work();
  const rows = (await tunePending({ repeat: 1 })).filter((r) => r.family === family);
  assert.is(rows.length, 1);
  assert.is(rows[0]!.candidates.length, candidates);
  for (const c of rows[0]!.candidates) assert.ok(c.ms! > 0, `${JSON.stringify(c.variant)}: ${c.error ?? c.ms}`);
  return { before, row: rows[0]! };
}

test("'all' times the fused contrastive loss's class over every candidate; the winner's loss matches the default's", async () => {
  const random = rng(11);
  const n = 100;
  const labels = Array.from({ length: n }, (_, i) => i % 7);
  const z = Float32Array.from({ length: n * 16 }, () => random() * 2 - 1);
  const loss = async () => {
    const zt = ncl.tensor(z, [n, 16]);
    const l = ncl.contrastiveLoss(zt, labels, { tau: 0.1, fused: true });
    const v = await l.item();
    for (const t of [l, zt]) t.dispose();
    return v;
  };
  const { before, row } = await tuneOneClass(loss, 'contrastive', CONTRASTIVE_CANDIDATES.length);
  assert.is(row.cls, 'n128 d16');
  assertClose([await loss()], [before], 1e-5, 1e-5, `loss with ${JSON.stringify(row.chosen)}`);
});

test("'all' times batch norm's channel-sum cuts for a class; the winner's statistics match the default's", async () => {
  const random = rng(12);
  const x = toTensor(randomArr([2, 3, 33, 35], random));
  const w = ncl.tensor(new Float32Array([1, 1, 1]), [3]);
  const b = ncl.tensor(new Float32Array(3), [3]);
  const normed = async () => {
    const y = ncl.batchNorm2d(x, w, b, { training: true });
    const v = await y.data();
    y.dispose();
    return v;
  };
  const { before, row } = await tuneOneClass(normed, 'batchnorm-sums', BATCHNORM_SUMS_CANDIDATES.filter((v) => !v.subgroups || runtime().adapter.subgroups).length);
  assertClose(await normed(), before, 1e-5, 1e-4, `batch norm with ${JSON.stringify(row.chosen)}`);
});

test('a recorded variant that needs subgroups is pinned where the adapter has them, refused by name where not', async () => {
  const recorded = { 'batchnorm-sums': { 'n4 c4 hw64': { wg: 64, per: 16, subgroups: true } } };
  try {
    if (runtime().adapter.subgroups) {
      startChoices('off', recorded);
      assert.equal(variantRecord(), recorded);
    } else assert.throws(() => startChoices('off', recorded), /cannot run here: .*uses subgroup operations, which this adapter .* lacks/);
  } finally {
    startChoices('off');
  }
});

test.run();
