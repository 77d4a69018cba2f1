// `ncl ablate`: dual (λ_pc default and 0), switch, alternate, drop and off over several seeds, on
// a given training and held-out set or on K folds of the built-in photos (--folds: K synthetic sets,
// each holding other photos out as its scored val split); prints the estimated total time first,
// then a table of mean ± std per setting and the paired differences from off (and dual's from
// drop), also written to <out>/ablation.md and, per run, <out>/ablation.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openDataset, type DatasetListing } from '../../data/dataset.ts';
import { addMaskOptions, loadOptionsFromCli, type MaskCliOptions } from '../../data/mask-options.ts';
import { generateSyntheticSet, SYNTH_GENERATOR_VERSION } from '../../data/synth/generate.ts';
import { ablationSettings, ablationTable, runAblation, selectSettings, type AblationData } from '../../ncl/ablation.ts';
import { measureStepTime, stepsForBudget } from '../../ncl/train/calibrate.ts';
import { resolveTrainConfig, warmupOf } from '../../ncl/train/config.ts';
import { readConfigFile } from '../../ncl/train/config-file.ts';
import { exitCodeOf } from '../../ncl/train/stop-signals.ts';
import { openDevice, tuneModeFromEnv } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';
import { addTrainOptions, configFromCli, type TrainCliOptions } from './train-options.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';
import { createFolder } from '../../io/folders.ts';

interface AblateOptions extends TrainCliOptions, MaskCliOptions {
  data?: string;
  val?: string;
  folds?: number;
  synthCount: number;
  synthSize: number;
  synthSeed: number;
  seeds: number;
  minutes?: number;
  out: string;
  settings?: string;
  resume?: boolean;
  trainImages?: number;
}

export function registerAblate(program: Command): void {
  const command = program
    .command('ablate')
    .description('train and score dual (λ_pc default and 0, L_pc held to the pivot, with the contour loss), switch, alternate, drop and off over several seeds; table of mean ± std and the paired difference from off')
    .option('--data <dataset>', 'training set (or --folds)')
    .option('--val <dataset>', 'held-out set the runs are scored on (with --data)')
    .option('--folds <k>', 'instead of --data/--val: k synthetic sets from the built-in photos, each holding another part of the non-test photos out as the set its runs are scored on', parseNumber('--folds', true, 2))
    .option('--synth-count <n>', 'images per fold set (--folds)', parseNumber('--synth-count', true, 1), 200)
    .option('--synth-size <px>', 'side of the fold sets\' images (--folds)', parseNumber('--synth-size', true, 32), 128)
    .option('--synth-seed <s>', 'seed of the fold sets (--folds); the default is one the demo does not use', parseNumber('--synth-seed', true, 0), 100)
    .option('--seeds <n>', 'seeds per setting and fold (0, 1, …); a setting given as key:n in --settings has its own', parseNumber('--seeds', true, 1), 3)
    .option('--minutes <m>', 'training minutes per run (sets --steps from a measured step time)', parseNumber('--minutes'))
    .option('--out <dir>', 'output folder', 'runs/ablate')
    .option('--settings <keys>', 'comma-separated settings to run, each key or key:seeds (default: all): dual, dual-no-pc, dual-pivot, dual-contour, switch, switch-10, switch-50, alternate, drop, off')
    .option('--train-images <n>', 'train on the first n images of each training set (a data-size curve: same held-out set, fewer training images)', parseNumber('--train-images', true, 1))
    .option('--resume', 'keep the runs of an earlier ablation in --out whose result is there for the same config, and run the rest');
  addTrainOptions(command);
  addMaskOptions(command);
  command.action(async (o: AblateOptions) => {
    if (o.minutes !== undefined && !(o.minutes > 0)) throw new Error(`--minutes must be positive, got ${o.minutes}`);
    if (o.folds === undefined && (o.data === undefined || o.val === undefined)) throw new Error('ncl ablate needs --data and --val, or --folds k');
    if (o.folds !== undefined && (o.data !== undefined || o.val !== undefined)) throw new Error('--folds makes its own training and held-out sets: leave out --data and --val');
    const load = loadOptionsFromCli(o);
    let base = resolveTrainConfig(o.config ? readConfigFile(o.config) : {}, configFromCli(o));
    const settings = selectSettings(ablationSettings(base.ncl.lambdaPc), o.settings?.split(','));
    createFolder(o.out);
    const sets = o.folds === undefined ? [{ fold: null, ...(await openPair(o.data!, o.val!)) }] : await foldSets(o);
    const data = o.trainImages === undefined ? sets : sets.map((set) => ({ ...set, train: firstImages(set.train, o.trainImages!) }));
    await openDevice();
    const timing = await measureStepTime(base, data[0]!.train, load);
    if (o.minutes !== undefined) base = resolveTrainConfig(base, { steps: stepsForBudget(o.minutes, timing, warmupOf(base)) });
    const runs = settings.reduce((n, s) => n + (s.seeds ?? o.seeds), 0) * data.length;
    const minutes = (runs * base.steps * timing.secondsPerStep) / 60;
    process.stdout.write(`${runs} runs of ${base.steps} steps at ${timing.secondsPerStep.toFixed(2)} s per step (measured with ${base.ncl.roleSwitch}): about ${minutes.toFixed(0)} min of training, plus evaluation\n`);
    const { runs: results, stoppedBy } = await runAblation({
      settings,
      resume: o.resume ?? false,
      base,
      seeds: o.seeds,
      data,
      load,
      outDir: o.out,
      tune: tuneModeFromEnv(),
      onRun: (run, done, total, kept) => process.stderr.write(`[${done}/${total}] ${run.setting}${run.fold === null ? '' : `, fold ${run.fold}`}, seed ${run.seed}: pixel AUC ${run.metrics.pixelAUC?.toFixed(4) ?? '—'}, F1 ${run.metrics.pixelF1?.toFixed(4) ?? '—'} (${kept ? 'kept from the earlier run' : `${run.seconds.toFixed(0)} s`})\n`),
    });
    const table = ablationTable(results);
    writeTextAtomic(join(o.out, 'ablation.json'), `${JSON.stringify({ config: base, runs: results }, null, 2)}\n`);
    writeTextAtomic(join(o.out, 'ablation.md'), `${table}\n`);
    process.stdout.write(`${table}\n`);
    if (stoppedBy) {
      process.stderr.write(`stopped by ${stoppedBy} after ${results.length} finished run(s): the table and ${join(o.out, 'ablation.json')} hold those\n`);
      process.exitCode = exitCodeOf(stoppedBy);
    }
  });
}

async function openPair(train: string, val: string): Promise<Omit<AblationData, 'fold'>> {
  const [trainSet, valSet] = await Promise.all([openDataset(train), openDataset(val)]);
  return { train: trainSet, val: valSet };
}

/** The first `n` images of a training set; asking for more than it holds is an error naming it. */
function firstImages(listing: DatasetListing, n: number): DatasetListing {
  if (n > listing.samples.length) throw new Error(`--train-images ${n}: ${listing.source} holds only ${listing.samples.length} images`);
  return { ...listing, samples: listing.samples.slice(0, n) };
}

/** Whether `out` holds a finished fold set made with these options (its meta.json is written last). */
function sameFoldSet(out: string, o: AblateOptions, fold: number): boolean {
  const file = join(out, 'meta.json');
  if (!existsSync(file)) return false;
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { generatorVersion?: number; count?: number; size?: number; seed?: number; fold?: { index: number; count: number } };
  return meta.generatorVersion === SYNTH_GENERATOR_VERSION && meta.count === o.synthCount && meta.size === o.synthSize && meta.seed === o.synthSeed && meta.fold?.index === fold && meta.fold.count === o.folds;
}

/** The fold sets in <out>/folds/fold-<i>, generated unless a resumed ablation finds them there, made alike. */
async function foldSets(o: AblateOptions): Promise<AblationData[]> {
  const data: AblationData[] = [];
  for (let fold = 0; fold < o.folds!; fold++) {
    const out = join(o.out, 'folds', `fold-${fold}`);
    if (!(o.resume && sameFoldSet(out, o, fold))) {
      process.stderr.write(`generating fold ${fold} of ${o.folds}: ${o.synthCount} images of ${o.synthSize} px in ${out}\n`);
      await generateSyntheticSet({ out, count: o.synthCount, size: o.synthSize, seed: o.synthSeed, fold: { index: fold, count: o.folds! }, force: true });
    }
    data.push({ fold, ...(await openPair(join(out, 'train.json'), join(out, 'val.json'))) });
  }
  return data;
}
