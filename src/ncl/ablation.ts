// The ablations of docs/method.md §8: dual with λ_pc at its default and at 0, alternate, drop and
// off, each trained over several seeds with the same number of steps and scored on a held-out
// set; the table gives mean ± sample standard deviation per setting.
import { join } from 'node:path';
import type { DatasetListing } from '../data/dataset.ts';
import type { LoadOptions } from '../data/loader.ts';
import { evalJson, evaluate, type EvalJson } from './evaluate.ts';
import type { NclOptions } from './method/options.ts';
import { resolveTrainConfig, type TrainConfig } from './train/config.ts';
import { train } from './train/trainer.ts';

export interface AblationSetting {
  name: string;
  ncl: Partial<NclOptions>;
}

export function ablationSettings(lambdaPc: number): AblationSetting[] {
  return [
    { name: `dual (λ_pc = ${lambdaPc})`, ncl: { roleSwitch: 'dual', lambdaPc } },
    { name: 'dual (λ_pc = 0)', ncl: { roleSwitch: 'dual', lambdaPc: 0 } },
    { name: 'alternate', ncl: { roleSwitch: 'alternate' } },
    { name: 'drop', ncl: { roleSwitch: 'drop' } },
    { name: 'off', ncl: { roleSwitch: 'off' } },
  ];
}

export interface AblationRun {
  setting: string;
  seed: number;
  metrics: EvalJson;
  seconds: number;
}

const METRICS = ['pixelF1', 'pixelAUC', 'pixelIoU', 'imageAUC'] as const;

export interface AblationOptions {
  base: TrainConfig;
  seeds: number[];
  train: DatasetListing;
  val: DatasetListing;
  load?: LoadOptions;
  outDir: string;
  onRun?: (run: AblationRun, done: number, total: number) => void;
}

export async function runAblation(o: AblationOptions): Promise<AblationRun[]> {
  const settings = ablationSettings(o.base.ncl.lambdaPc);
  const runs: AblationRun[] = [];
  const total = settings.length * o.seeds.length;
  for (const [i, setting] of settings.entries()) {
    for (const seed of o.seeds) {
      const start = performance.now();
      const config = resolveTrainConfig(o.base, { seed, ncl: setting.ncl });
      const result = await train({ config, train: o.train, outDir: join(o.outDir, `setting-${i}-seed-${seed}`), existing: 'replace', ...(o.load ? { load: o.load } : {}) });
      const metrics = evalJson(await evaluate(result.net, o.val, { separation: config.ncl, ...(o.load ? { load: o.load } : {}) }));
      result.net.dispose();
      const run = { setting: setting.name, seed, metrics, seconds: (performance.now() - start) / 1000 };
      runs.push(run);
      o.onRun?.(run, runs.length, total);
    }
  }
  return runs;
}

function meanStd(values: number[]): string {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return mean.toFixed(4);
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
}

/** A Markdown table: one row per setting, mean ± std over seeds of each metric. */
export function ablationTable(runs: AblationRun[]): string {
  const settings = [...new Set(runs.map((r) => r.setting))];
  const header = `| setting | seeds | ${METRICS.join(' | ')} |\n|---|---|${METRICS.map(() => '---').join('|')}|`;
  const rows = settings.map((s) => {
    const mine = runs.filter((r) => r.setting === s);
    const cells = METRICS.map((m) => meanStd(mine.map((r) => r.metrics[m]).filter((v): v is number => v !== null)));
    return `| ${s} | ${mine.length} | ${cells.join(' | ')} |`;
  });
  const baseline = runs[0] ? `\nall-tampered baseline pixel F1 on the same set: ${runs[0].metrics.baselineAllTamperedF1?.toFixed(4) ?? '—'}` : '';
  return `${header}\n${rows.join('\n')}${baseline}`;
}
