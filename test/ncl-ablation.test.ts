// The ablation runner's settings (docs/method.md §8) and its mean ± std table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ablationSettings, ablationTable, type AblationRun } from '../src/ncl/ablation.ts';
import type { EvalJson } from '../src/ncl/evaluate.ts';

test('settings: dual with λ_pc default and 0, alternate, drop, off', () => {
  const s = ablationSettings(0.1);
  assert.equal(s.map((x) => x.ncl.roleSwitch), ['dual', 'dual', 'alternate', 'drop', 'off']);
  assert.equal(s.slice(0, 2).map((x) => x.ncl.lambdaPc), [0.1, 0]);
});

test('table: mean ± sample standard deviation over seeds per setting', () => {
  const metrics = (pixelF1: number) => ({ pixelF1, pixelAUC: 0.5, pixelIoU: null, imageAUC: 1, baselineAllTamperedF1: 0.25 }) as EvalJson;
  const runs: AblationRun[] = [
    { setting: 'dual', seed: 0, metrics: metrics(0.5), seconds: 1 },
    { setting: 'dual', seed: 1, metrics: metrics(0.7), seconds: 1 },
    { setting: 'off', seed: 0, metrics: metrics(0.4), seconds: 1 },
  ];
  const table = ablationTable(runs).split('\n');
  assert.is(table[2], '| dual | 2 | 0.6000 ± 0.1414 | 0.5000 ± 0.0000 | — | 1.0000 ± 0.0000 |');
  assert.is(table[3], '| off | 1 | 0.4000 | 0.5000 | — | 1.0000 |');
  assert.match(table.at(-1)!, /all-tampered baseline pixel F1 on the same set: 0\.2500/);
});

test.run();
