// The ablations of docs/method.md §8: dual with λ_pc at its default and at 0 and with L_pc held to
// the pivot (5.7b), dual with the contour loss (5.9b), switch every 1, 10
// and 50 steps, alternate, drop and off (all of them, or those asked for, each with its own number
// of seeds), each trained with the same number of steps and scored on a held-out set — one, or one
// per fold of the photos (each fold holds other source photos out) — with a linear probe on its
// frozen pivot fit on its training set. The table gives mean ± sample
// standard deviation per setting, and each setting's paired difference from `off` (segmentation
// only), and dual's from drop, over the (fold, seed) units both ran, with its 95 % t-interval: an
// interval that holds 0 reads "no difference". Each finished run keeps its result in its folder
// (result.json), and a resumed ablation skips the runs whose result is there for the same config:
// an ablation can span days. Runs go seed by seed and fold by fold, every setting in turn, so a
// part-way ablation compares the settings on the same units.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTextAtomic } from '../io/atomic-write.ts';
import { maxOf } from '../common/extent.ts';
import type { DatasetListing } from '../data/dataset.ts';
import type { TuneMode } from '../device.ts';
import type { LoadOptions } from '../data/loader.ts';
import { evalJson, evaluate, type EvalJson } from './evaluate.ts';
import { pivotProbe } from './pivot-probe.ts';
import type { NclOptions } from './method/options.ts';
import { resolveTrainConfig, type TrainConfig } from './train/config.ts';
import { train } from './train/trainer.ts';
import type { StopSignal } from './train/stop-signals.ts';

export interface AblationSetting {
  /** Its name in tables; `key` names it on the command line (--settings) and its runs' folders. */
  name: string;
  key: string;
  ncl: Partial<NclOptions>;
  /** Seeds of this setting when chosen as `key:n` (--settings); absent: the ablation's --seeds. */
  seeds?: number;
}

export function ablationSettings(lambdaPc: number): AblationSetting[] {
  return [
    { key: 'dual', name: `dual (λ_pc = ${lambdaPc})`, ncl: { roleSwitch: 'dual', lambdaPc } },
    { key: 'dual-no-pc', name: 'dual (λ_pc = 0)', ncl: { roleSwitch: 'dual', lambdaPc: 0 } },
    { key: 'dual-pivot', name: `dual, L_pc held to the pivot (λ_pc = ${lambdaPc})`, ncl: { roleSwitch: 'dual', lambdaPc, consistencyTarget: 'pivot' } },
    { key: 'dual-contour', name: 'dual + contour loss (λ_ct = 1)', ncl: { roleSwitch: 'dual', lambdaContour: 1 } },
    { key: 'switch', name: 'switch (k = 1)', ncl: { roleSwitch: 'switch', switchEvery: 1 } },
    { key: 'switch-10', name: 'switch (k = 10)', ncl: { roleSwitch: 'switch', switchEvery: 10 } },
    { key: 'switch-50', name: 'switch (k = 50)', ncl: { roleSwitch: 'switch', switchEvery: 50 } },
    { key: 'alternate', name: 'alternate', ncl: { roleSwitch: 'alternate' } },
    { key: 'drop', name: 'drop', ncl: { roleSwitch: 'drop' } },
    { key: 'off', name: 'off', ncl: { roleSwitch: 'off' } },
  ];
}

/** The settings named in `keys` (all when undefined), in the table's order; `key:n` gives that
 *  setting n seeds (e.g. dual:16,off:16,drop:8); an unknown key names the known ones. */
export function selectSettings(all: AblationSetting[], keys?: string[]): AblationSetting[] {
  if (!keys) return all;
  const seeds = new Map<string, number | undefined>();
  for (const item of keys) {
    const [key, count, ...extra] = item.split(':');
    if (!all.some((s) => s.key === key)) throw new Error(`--settings: no setting '${key}' (settings: ${all.map((s) => s.key).join(', ')})`);
    const n = count === undefined ? undefined : Number(count);
    if (extra.length > 0 || (n !== undefined && !(Number.isInteger(n) && n >= 1))) throw new Error(`--settings: '${item}' is not key or key:seeds with seeds a positive integer`);
    seeds.set(key!, n);
  }
  return all.filter((s) => seeds.has(s.key)).map((s) => (seeds.get(s.key) === undefined ? s : { ...s, seeds: seeds.get(s.key)! }));
}

/** What a finished run leaves in its folder: its config (a resume checks it) and its scores. */
const RESULT_FILE = 'result.json';

/** A run's scores on its held-out set: ncl eval's, and the AUROC of a linear probe on the frozen
 *  pivot fit on its training set's patches (pivot-probe.ts). */
export type RunMetrics = EvalJson & { probeAUROC?: number | null };

export interface AblationRun {
  setting: string;
  /** The photo fold it trained and was scored on; null for an ablation on one given set. */
  fold: number | null;
  seed: number;
  /** How many images it trained on (a data-size curve trains on fewer than its sets hold). */
  trainImages: number;
  metrics: RunMetrics;
  seconds: number;
}

const METRICS = ['pixelF1', 'pixelAUC', 'pixelBoundaryF1', 'probeAUROC', 'pixelIoU', 'imageAUC'] as const;
/** The paired comparisons against off: pixel AUC first (the primary endpoint: a per-seed sd of about
 *  0.01 against F1's 0.03, bench/RESULTS.md), then pixel F1, boundary-band F1 and the probe's AUROC. */
const PAIRED: Array<[(typeof METRICS)[number], string]> = [['pixelAUC', 'pixel AUC'], ['pixelF1', 'pixel F1'], ['pixelBoundaryF1', 'boundary-band F1'], ['probeAUROC', 'probe AUROC']];

/** A training set and the held-out set its runs are scored on: one fold of the photos, or the given sets (fold null). */
export interface AblationData {
  fold: number | null;
  train: DatasetListing;
  val: DatasetListing;
}

export interface AblationOptions {
  base: TrainConfig;
  /** Seeds of a setting without its own count: 0 .. seeds-1. */
  seeds: number;
  data: AblationData[];
  load?: LoadOptions;
  outDir: string;
  /** The settings to run (default: all of ablationSettings). */
  settings?: AblationSetting[];
  /** Skip the runs whose folder holds a result of the same config (a resumed ablation). */
  resume?: boolean;
  /** Kernel tuning for every run (the trainer's `tune`; the first run fills the cache). */
  tune?: TuneMode;
  onRun?: (run: AblationRun, done: number, total: number, kept: boolean) => void;
}

/** The runs done; a run stopped by a signal ends the ablation there (`stoppedBy`), its unfinished run left out. */
export async function runAblation(o: AblationOptions): Promise<{ runs: AblationRun[]; stoppedBy: StopSignal | null }> {
  const settings = o.settings ?? ablationSettings(o.base.ncl.lambdaPc);
  const runs: AblationRun[] = [];
  const total = settings.reduce((n, s) => n + (s.seeds ?? o.seeds), 0) * o.data.length;
  const seedsOf = (setting: AblationSetting) => setting.seeds ?? o.seeds;
  const mostSeeds = maxOf(settings.map(seedsOf));
  // Seed by seed, fold by fold, every setting in turn: an ablation stopped part-way holds whole
  // paired units, each setting on the same (fold, seed) pairs.
  for (let seed = 0; seed < mostSeeds; seed++) {
    for (const data of o.data) {
      for (const setting of settings.filter((s) => seed < seedsOf(s))) {
        const start = performance.now();
        const config = resolveTrainConfig(o.base, { seed, ncl: setting.ncl });
        const folder = join(o.outDir, `${setting.key}${data.fold === null ? '' : `-fold-${data.fold}`}-seed-${seed}`);
        const kept = o.resume ? keptResult(folder, config, data.train.samples.length) : null;
        if (kept) {
          runs.push(kept);
          o.onRun?.(kept, runs.length, total, true);
          continue;
        }
        const result = await train({ config, train: data.train, outDir: folder, existing: 'replace', ...(o.tune ? { tune: o.tune } : {}), ...(o.load ? { load: o.load } : {}) });
        if (result.interrupted) {
          result.net.dispose();
          return { runs, stoppedBy: result.interrupted };
        }
        const scores = evalJson(await evaluate(result.net, data.val, { separation: config.ncl, ...(o.load ? { load: o.load } : {}) }));
        const probe = await pivotProbe(result.net, data.train, data.val, config.ncl, o.load ?? {});
        const metrics: RunMetrics = { ...scores, probeAUROC: probe.auroc };
        result.net.dispose();
        const run = { setting: setting.name, fold: data.fold, seed, trainImages: data.train.samples.length, metrics, seconds: (performance.now() - start) / 1000 };
        writeTextAtomic(join(folder, RESULT_FILE), `${JSON.stringify({ config, run }, null, 1)}\n`);
        runs.push(run);
        o.onRun?.(run, runs.length, total, false);
      }
    }
  }
  return { runs, stoppedBy: null };
}

/** The result a finished run left in `folder`, if it was trained with `config` on `trainImages` images. */
function keptResult(folder: string, config: TrainConfig, trainImages: number): AblationRun | null {
  const file = join(folder, RESULT_FILE);
  if (!existsSync(file)) return null;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { config: TrainConfig; run: AblationRun };
    const same = JSON.stringify(stored.config) === JSON.stringify(config) && stored.run.trainImages === trainImages;
    return same ? { ...stored.run, fold: stored.run.fold ?? null } : null;
  } catch {
    return null; // unreadable: the run is done again
  }
}

function meanStd(values: number[]): string {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return mean.toFixed(4);
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
}

/** Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom (beyond: 1.96). */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface PairedDifference {
  setting: string;
  /** (fold, seed) units run by both the setting and the reference. */
  pairs: number;
  mean: number;
  /** The 95 % t-interval of the mean difference (null with fewer than two pairs). */
  low: number | null;
  high: number | null;
  verdict: 'better' | 'worse' | 'no difference' | 'too few seeds';
}

const unitOf = (r: AblationRun) => `${r.fold ?? '-'}/${r.seed}`;

/** Per setting (all but the reference, or those named), the difference of `metric` from the
 *  reference's run on the same fold with the same seed, averaged over the units both ran. */
export function pairedAgainst(runs: AblationRun[], reference: string, metric: (typeof METRICS)[number] = 'pixelF1', only?: string[]): PairedDifference[] {
  const ref = new Map(runs.filter((r) => r.setting === reference).map((r) => [unitOf(r), r.metrics[metric]]));
  return [...new Set(runs.map((r) => r.setting))]
    .filter((s) => s !== reference && (!only || only.includes(s)))
    .map((setting) => {
      const diffs = runs.filter((r) => r.setting === setting && typeof r.metrics[metric] === 'number' && typeof ref.get(unitOf(r)) === 'number').map((r) => r.metrics[metric]! - ref.get(unitOf(r))!);
      const n = diffs.length;
      const mean = n ? diffs.reduce((a, b) => a + b, 0) / n : NaN;
      if (n < 2) return { setting, pairs: n, mean, low: null, high: null, verdict: 'too few seeds' as const };
      const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1));
      const half = (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
      const [low, high] = [mean - half, mean + half];
      return { setting, pairs: n, mean, low, high, verdict: low > 0 ? ('better' as const) : high < 0 ? ('worse' as const) : ('no difference' as const) };
    });
}

function pairedTable(title: string, paired: PairedDifference[]): string {
  if (paired.length === 0 || paired.every((p) => p.pairs === 0)) return '';
  const rows = paired.map((p) => `| ${p.setting} | ${p.pairs} | ${Number.isNaN(p.mean) ? '—' : p.mean.toFixed(4)} | ${p.low === null ? '—' : `[${p.low.toFixed(4)}, ${p.high!.toFixed(4)}]`} | ${p.verdict} |`);
  return `\n\n${title}, paired by fold and seed (mean, 95 % t-interval):\n\n| setting | pairs | difference | interval | reading |\n|---|---|---|---|---|\n${rows.join('\n')}`;
}

/** A Markdown table: one row per setting, mean ± std over seeds of each metric. */
export function ablationTable(runs: AblationRun[]): string {
  const settings = [...new Set(runs.map((r) => r.setting))];
  const header = `| setting | runs | ${METRICS.join(' | ')} |\n|---|---|${METRICS.map(() => '---').join('|')}|`;
  const rows = settings.map((s) => {
    const mine = runs.filter((r) => r.setting === s);
    const cells = METRICS.map((m) => meanStd(mine.map((r) => r.metrics[m]).filter((v): v is number => typeof v === 'number')));
    return `| ${s} | ${mine.length} | ${cells.join(' | ')} |`;
  });
  const baseline = runs[0] ? `\nall-tampered baseline pixel F1 on the same set: ${runs[0].metrics.baselineAllTamperedF1?.toFixed(4) ?? '—'}` : '';
  const trainImages = runs[0] ? `\ntraining images per run: ${[...new Set(runs.map((r) => r.trainImages))].join(', ')}` : '';
  // the settings named like dual (with λ_pc at its default) against drop: does keeping contour patches help?
  const duals = settings.filter((s) => s.startsWith('dual (λ_pc = ') && s !== 'dual (λ_pc = 0)');
  const pairedTables = PAIRED.map(([metric, name]) => pairedTable(`${name} minus off's`, pairedAgainst(runs, 'off', metric)) + pairedTable(`${name} minus drop's`, pairedAgainst(runs, 'drop', metric, duals)));
  return `${header}\n${rows.join('\n')}${baseline}${trainImages}${pairedTables.join('')}`;
}
