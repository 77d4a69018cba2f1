// The benches time what the tuning cache chose: with tuning on, a shape class the cache holds runs
// its winner (here non-default variants put in a temporary $XDG_CACHE_HOME for bench matmul's
// smallest product and for bench contrastive's fused kernel), and the row names it; with
// NCL_TUNE=off the rows ran the defaults.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { CONTRASTIVE_CANDIDATES, CONTRASTIVE_TILINGS, tilingName } from '../../src/kernels/contrastive.ts';
import { fillKernel } from '../../src/kernels/elementwise.ts';
import { MATMUL_CANDIDATES, matmulKernel } from '../../src/kernels/matmul.ts';
import { runtime } from '../../src/runtime/context.ts';
import { storeVariant } from '../../src/runtime/tune-cache.ts';
import { startChoices, takePending } from '../../src/runtime/variant-choices.ts';
import { nclWith } from '../helpers/cli.ts';
import { tempCacheHome } from '../helpers/cache-home.ts';
import { device } from '../helpers/setup.ts';

const cacheHome = tempCacheHome('bench-tuned');

test.before(async () => {
  await device();
  await cacheHome.set();
});

test.after(() => cacheHome.restore());

/** Caches `variant` as the winner of the class of `family` that `work` uses. */
async function cacheWinner(family: string, work: () => void, variant: unknown): Promise<void> {
  startChoices('all');
  work();
  await runtime().sync();
  const pending = takePending().find((p) => p.family.name === family);
  startChoices('off');
  storeVariant(pending!.family, pending!.cls, { variant, ms: 1, timing: 'host', problem: 'test' });
}

/** Caches `variant` as the winner of the shape class of a 512×512 · 512×512 product. */
async function cacheMatmul512(variant: unknown): Promise<void> {
  await cacheWinner(
    'matmul',
    () => {
      const a = fillKernel([512, 512], 0.5);
      matmulKernel({ a, b: a, transA: false, transB: false }).dispose();
      a.dispose();
    },
    variant,
  );
}

async function matmulRow(tune: 'on' | 'off'): Promise<{ rows: Array<Record<string, unknown>>; ncl: Record<string, unknown> }> {
  const r = await nclWith({ XDG_CACHE_HOME: cacheHome.dir(), NCL_TUNE: tune }, 'bench', 'matmul', '--sizes', '512', '--warmup', '0', '--repeat', '1', '--no-torch', '--json');
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { rows, ncl: rows.find((x) => x.impl === 'ncl')! };
}

test("bench matmul times the cache's winner and names it; NCL_TUNE=off times the default", async () => {
  const register = MATMUL_CANDIDATES.find((c) => c.variant === 'register')!;
  await cacheMatmul512(register);
  const tuned = await matmulRow('on');
  assert.is(tuned.ncl.variant, 'tuned: matmul register:8x8/8x8');
  assert.not.ok(tuned.rows.some((x) => String(x.note).startsWith('tuned ')), 'read from the cache, not tuned again');
  assert.is((await matmulRow('off')).ncl.variant, 'default');
});

test("bench contrastive adds fused rows of the cache's winner and names it; NCL_TUNE=off has none", async () => {
  const n = 200;
  const d = 16;
  const winner = CONTRASTIVE_CANDIDATES.find((c) => ![CONTRASTIVE_TILINGS.defaults.cpu, CONTRASTIVE_TILINGS.defaults.gpu].includes(c))!;
  await cacheWinner('contrastive', () => ncl.tidy(() => ncl.contrastiveLoss(ncl.zeros([n, d]), Array.from({ length: n }, (_, i) => i % 2), { tau: 0.1, fused: true })), winner);
  const fusedRows = async (tune: 'on' | 'off') => {
    const r = await nclWith({ XDG_CACHE_HOME: cacheHome.dir(), NCL_TUNE: tune }, 'bench', 'contrastive', '--n', String(n), '--d', String(d), '--warmup', '0', '--repeat', '1', '--no-tfjs', '--no-torch', '--json');
    assert.is(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((x) => x.impl === 'fused');
  };
  const tuned = (await fusedRows('on')).filter((x) => x.tiling === 'tuned');
  assert.equal(tuned.map((x) => x.pass), ['fwd', 'fwd+bwd']);
  for (const row of tuned) assert.is(row.variant, `tuned: contrastive ${tilingName(winner)}`);
  assert.not.ok((await fusedRows('off')).some((x) => x.tiling === 'tuned'));
});

test.run();
