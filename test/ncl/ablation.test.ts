// The ablation runner's settings (docs/method.md §8) and its mean ± std table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ablationSettings, ablationTable, pairedAgainst, selectSettings, type AblationRun, type RunMetrics } from '../../src/ncl/ablation.ts';
import type { EvalJson } from '../../src/ncl/evaluate.ts';

test('settings: dual with λ_pc default and 0 and held to the pivot, switch every 1, 10 and 50 steps, alternate, drop, off; chosen by key', () => {
  const s = ablationSettings(0.1);
  assert.equal(s.map((x) => x.ncl.roleSwitch), ['dual', 'dual', 'dual', 'dual', 'switch', 'switch', 'switch', 'alternate', 'drop', 'off']);
  assert.equal(s.slice(0, 3).map((x) => [x.ncl.lambdaPc, x.ncl.consistencyTarget]), [[0.1, undefined], [0, undefined], [0.1, 'pivot']]);
  assert.is(s[3]!.ncl.lambdaContour, 1, 'dual with the contour loss');
  assert.equal(s.filter((x) => x.ncl.roleSwitch === 'switch').map((x) => x.ncl.switchEvery), [1, 10, 50]);
  assert.equal(selectSettings(s, ['off', 'dual']).map((x) => x.key), ['dual', 'off'], 'in the table\'s order');
  assert.equal(selectSettings(s, ['dual:16', 'off:16', 'drop']).map((x) => [x.key, x.seeds]), [['dual', 16], ['drop', undefined], ['off', 16]]);
  assert.throws(() => selectSettings(s, ['dual:0']), /--settings: 'dual:0' is not key or key:seeds/);
  assert.throws(() => selectSettings(s, ['dual:2.5']), /--settings: 'dual:2.5' is not key or key:seeds/);
  assert.throws(() => selectSettings(s, ['dual', 'sometimes']), /--settings: no setting 'sometimes' \(settings: dual, dual-no-pc, dual-pivot, dual-contour, switch, switch-10, switch-50, alternate, drop, off\)/);
});

test('table: mean ± sample standard deviation over seeds per setting', () => {
  const metrics = (pixelF1: number) => ({ pixelF1, pixelAUC: 0.5, probeAUROC: 0.7, pixelIoU: null, imageAUC: 1, baselineAllTamperedF1: 0.25 }) as RunMetrics;
  const runs: AblationRun[] = [
    { setting: 'dual', fold: null, seed: 0, trainImages: 35, metrics: metrics(0.5), seconds: 1 },
    { setting: 'dual', fold: null, seed: 1, trainImages: 35, metrics: metrics(0.7), seconds: 1 },
    { setting: 'off', fold: null, seed: 0, trainImages: 35, metrics: metrics(0.4), seconds: 1 },
  ];
  const table = ablationTable(runs).split('\n');
  assert.is(table[2], '| dual | 2 | 0.6000 ± 0.1414 | 0.5000 ± 0.0000 | — | 0.7000 ± 0.0000 | — | 1.0000 ± 0.0000 |');
  assert.is(table[3], '| off | 1 | 0.4000 | 0.5000 | — | 0.7000 | — | 1.0000 |');
  assert.ok(table.includes('all-tampered baseline pixel F1 on the same set: 0.2500'));
  assert.ok(table.includes('training images per run: 35'));
  assert.ok(table.includes('| dual | 1 | 0.1000 | — | too few seeds |'), 'paired: off has seed 0 only');
  assert.ok(table.includes("probe AUROC minus off's, paired by fold and seed (mean, 95 % t-interval):"), 'the probe is paired too');
});

test('paired against off: the per-seed difference, its 95 % t-interval and the reading', () => {
  const metrics = (pixelF1: number) => ({ pixelF1 }) as EvalJson;
  const run = (setting: string, seed: number, f1: number, fold: number | null = null): AblationRun => ({ setting, fold, seed, trainImages: 10, metrics: metrics(f1), seconds: 1 });
  const runs = [
    ...[0.40, 0.50, 0.30].map((f, seed) => run('off', seed, f)),
    // always 0.1 above off, whatever the seed's level: a clear difference despite the spread
    ...[0.50, 0.61, 0.39].map((f, seed) => run('dual', seed, f)),
    // ±0.05 around off: no difference
    ...[0.45, 0.45, 0.31].map((f, seed) => run('drop', seed, f)),
    run('alternate', 0, 0.9),
  ];
  const [dual, drop, alternate] = pairedAgainst(runs, 'off');
  // dual: differences 0.10, 0.11, 0.09: mean 0.10, sd 0.01, half-width 4.303 · 0.01 / √3
  assert.is(dual!.verdict, 'better');
  assert.ok(Math.abs(dual!.mean - 0.1) < 1e-12 && Math.abs(dual!.high! - dual!.mean - (4.303 * 0.01) / Math.sqrt(3)) < 1e-9);
  assert.is(drop!.verdict, 'no difference', 'differences 0.05, −0.05, 0.01');
  assert.equal([alternate!.pairs, alternate!.verdict], [1, 'too few seeds']);
  assert.match(ablationTable(runs), /\| dual \| 3 \| 0\.1000 \| \[0\.0752, 0\.1248\] \| better \|/);
});

test('paired by fold and seed: the same seed on another fold is another unit; dual against drop', () => {
  const metrics = (pixelAUC: number) => ({ pixelAUC }) as EvalJson;
  const run = (setting: string, fold: number, seed: number, auc: number): AblationRun => ({ setting, fold, seed, trainImages: 10, metrics: metrics(auc), seconds: 1 });
  // fold 1 is easier for everyone by 0.2; within each unit dual is 0.02 above off and 0.01 above drop
  const runs = [0, 1].flatMap((fold) => [0, 1].flatMap((seed) => {
    const level = 0.6 + 0.2 * fold + 0.01 * seed;
    return [run('dual (λ_pc = 0.1)', fold, seed, level + 0.02 + 0.001 * seed), run('drop', fold, seed, level + 0.01), run('off', fold, seed, level)];
  }));
  const [dual] = pairedAgainst(runs, 'off', 'pixelAUC');
  assert.is(dual!.pairs, 4);
  // differences 0.020, 0.021, 0.020, 0.021: mean 0.0205, sd 0.000577, half-width 3.182 · sd / 2
  assert.ok(Math.abs(dual!.mean - 0.0205) < 1e-12);
  assert.ok(Math.abs(dual!.high! - dual!.mean - (3.182 * Math.sqrt(1 / 3) * 0.001) / 2) < 1e-9);
  const againstDrop = pairedAgainst(runs, 'drop', 'pixelAUC', ['dual (λ_pc = 0.1)']);
  assert.equal(againstDrop.map((p) => [p.setting, p.pairs, p.verdict]), [['dual (λ_pc = 0.1)', 4, 'better']]);
  const table = ablationTable(runs);
  assert.match(table, /pixel AUC minus drop's, paired by fold and seed/);
  assert.match(table, /\| dual \(λ_pc = 0\.1\) \| 4 \| 0\.0105 \|/);
});

test.run();
