// `ncl ablate`: dual (λ_pc default and 0), switch, alternate, drop and off over several seeds;
// prints the estimated total time first, then a table of mean ± std per setting and each
// setting's paired difference from off (also written to <out>/ablation.md and, per run,
// <out>/ablation.json).
import { join } from 'node:path';
import type { Command } from 'commander';
import { openDataset } from '../../data/dataset.ts';
import { addMaskOptions, loadOptionsFromCli, type MaskCliOptions } from '../../data/mask-options.ts';
import { ablationSettings, ablationTable, runAblation, selectSettings } from '../../ncl/ablation.ts';
import { measureStepTime, stepsForBudget } from '../../ncl/train/calibrate.ts';
import { readConfigFile, resolveTrainConfig, warmupOf } from '../../ncl/train/config.ts';
import { exitCodeOf } from '../../ncl/train/stop-signals.ts';
import { openDevice, tuneModeFromEnv } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';
import { addTrainOptions, configFromCli, type TrainCliOptions } from './train-options.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';
import { createFolder } from '../../io/folders.ts';

interface AblateOptions extends TrainCliOptions, MaskCliOptions {
  data: string;
  val: string;
  seeds: number;
  minutes?: number;
  out: string;
  settings?: string;
  resume?: boolean;
}

export function registerAblate(program: Command): void {
  const command = program
    .command('ablate')
    .description('train and score dual (λ_pc default and 0), switch, alternate, drop and off over several seeds; table of mean ± std and the paired difference from off')
    .requiredOption('--data <dataset>', 'training set')
    .requiredOption('--val <dataset>', 'held-out set the runs are scored on')
    .option('--seeds <n>', 'seeds per setting (0, 1, …)', parseNumber('--seeds', true, 1), 3)
    .option('--minutes <m>', 'training minutes per run (sets --steps from a measured step time)', parseNumber('--minutes'))
    .option('--out <dir>', 'output folder', 'runs/ablate')
    .option('--settings <keys>', 'comma-separated settings to run (default: all): dual, dual-no-pc, switch, switch-10, switch-50, alternate, drop, off')
    .option('--resume', 'keep the runs of an earlier ablation in --out whose result is there for the same config, and run the rest');
  addTrainOptions(command);
  addMaskOptions(command);
  command.action(async (o: AblateOptions) => {
    if (o.minutes !== undefined && !(o.minutes > 0)) throw new Error(`--minutes must be positive, got ${o.minutes}`);
    const load = loadOptionsFromCli(o);
    const [trainSet, valSet] = await Promise.all([openDataset(o.data), openDataset(o.val)]);
    await openDevice();
    let base = resolveTrainConfig(o.config ? readConfigFile(o.config) : {}, configFromCli(o));
    const timing = await measureStepTime(base, trainSet, load);
    if (o.minutes !== undefined) base = resolveTrainConfig(base, { steps: stepsForBudget(o.minutes, timing, warmupOf(base)) });
    const settings = selectSettings(ablationSettings(base.ncl.lambdaPc), o.settings?.split(','));
    const runs = settings.length * o.seeds;
    const minutes = (runs * base.steps * timing.secondsPerStep) / 60;
    process.stdout.write(`${runs} runs of ${base.steps} steps at ${timing.secondsPerStep.toFixed(2)} s per step (measured with ${base.ncl.roleSwitch}): about ${minutes.toFixed(0)} min of training, plus evaluation\n`);
    createFolder(o.out);
    const { runs: results, stoppedBy } = await runAblation({
      settings,
      resume: o.resume ?? false,
      base,
      seeds: Array.from({ length: o.seeds }, (_, i) => i),
      train: trainSet,
      val: valSet,
      load,
      outDir: o.out,
      tune: tuneModeFromEnv(),
      onRun: (run, done, total, kept) => process.stderr.write(`[${done}/${total}] ${run.setting}, seed ${run.seed}: pixel AUC ${run.metrics.pixelAUC?.toFixed(4) ?? '—'}, F1 ${run.metrics.pixelF1?.toFixed(4) ?? '—'} (${kept ? 'kept from the earlier run' : `${run.seconds.toFixed(0)} s`})\n`),
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
