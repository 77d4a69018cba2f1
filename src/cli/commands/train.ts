// `ncl train`: trains NCL on a dataset (any layout of docs/data.md), writing <out>/checkpoint.safetensors
// and <out>/log.jsonl; --resume continues a run from its checkpoint. The folder is locked for the run,
// and one that holds another run is refused unless --force (src/ncl/train/run-folder.ts).
import type { Command } from 'commander';
import { openDataset, type DatasetListing } from '../../data/dataset.ts';
import { checkedListing } from '../../data/preflight.ts';
import { addMaskOptions, loadOptionsFromCli, type MaskCliOptions } from '../../data/mask-options.ts';
import { openDevice, tuneModeFromEnv } from '../device-options.ts';
import { mergeLayers, resolveTrainConfig } from '../../ncl/train/config.ts';
import { readConfigFile } from '../../ncl/train/config-file.ts';
import { resumeChangesOf } from '../../ncl/train/resume-changes.ts';
import { train } from '../../ncl/train/trainer.ts';
import { parseNumber } from './parse-number.ts';
import { addTrainOptions, configFromCli, type TrainCliOptions } from './train-options.ts';
import { exitCodeOf } from '../../ncl/train/stop-signals.ts';
import { progressLines } from '../progress-lines.ts';

interface TrainCommandOptions extends TrainCliOptions, MaskCliOptions {
  data: string;
  val?: string;
  out: string;
  resume?: string;
  valLimit?: number;
  initWeights?: string;
  skipHead?: boolean;
  force?: boolean;
  skipUnreadable?: boolean;
  strictData?: boolean;
  freshOptimizer?: boolean;
  allowDataChange?: boolean;
  progress: boolean;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train NCL on a dataset (Tp/+Gt/ folder, JSON list or text list); see docs/training.md')
    .requiredOption('--data <dataset>', 'training set')
    .option('--val <dataset>', 'validation set, evaluated every --eval-every steps and at the end')
    .option('--val-limit <n>', 'evaluate on at most n validation images', parseNumber('--val-limit', true, 1))
    .option('--out <dir>', 'output folder for checkpoint.safetensors and log.jsonl', 'runs/train')
    .option('--resume <checkpoint>', "continue a run from its checkpoint, with its stored config (--steps, --eval-every, --checkpoint-every may change)")
    .option('--init-weights <file>', 'start from a PyTorch DeepLabV3+ state dict exported to safetensors (docs/training.md)')
    .option('--skip-head', 'with --init-weights: keep the initialised 2-class head (the export has another class count)')
    .option('--force', "start anew in a folder that holds another run: that run's files are moved to <out>/previous-<time>/")
    .option('--skip-unreadable', 'leave out samples whose files cannot be opened (listed) instead of stopping before step 1')
    .option('--fresh-optimizer', "with --resume from a file without optimiser state (a model file): continue with fresh optimiser moments")
    .option('--allow-data-change', 'with --resume: continue although the data or the mask options differ from those the checkpoint records')
    .option('--strict-data', 'stop at the first sample that fails to decode during the run, instead of dropping it with a warning (docs/training.md)')
    .option('--no-progress', 'no progress output');
  addTrainOptions(command);
  addMaskOptions(command);
  command.action(async (o: TrainCommandOptions) => {
    const tune = tuneModeFromEnv();
    if (o.resume && o.initWeights) throw new Error('--resume and --init-weights exclude each other: a resumed run continues from its own checkpoint');
    for (const [given, option, needs] of [
      [o.evalEvery !== undefined && !o.val, '--eval-every', '--val (the set it evaluates on)'],
      [o.valLimit !== undefined && !o.val, '--val-limit', '--val (the set it limits)'],
      [o.freshOptimizer && !o.resume, '--fresh-optimizer', '--resume (a new run starts with fresh moments anyway)'],
      [o.allowDataChange && !o.resume, '--allow-data-change', '--resume (it concerns a resumed run)'],
      [o.skipHead && !o.initWeights, '--skip-head', '--init-weights (the head it keeps)'],
    ] as const) {
      if (given) throw new Error(`${option} does nothing without ${needs}`);
    }
    const asked = [o.config ? readConfigFile(o.config) : {}, configFromCli(o)];
    // A resumed run keeps its stored config; only what can change safely is taken from the options.
    const config = o.resume ? null : resolveTrainConfig(...asked);
    const resumeChanges = o.resume ? resumeChangesOf(mergeLayers(asked)) : undefined;
    const load = loadOptionsFromCli(o);
    const [listedTrain, listedVal] = await Promise.all([openDataset(o.data), o.val ? openDataset(o.val) : Promise.resolve(undefined)]);
    const check = (listing: DatasetListing, what: string) =>
      checkedListing(listing, { what, maskResize: load.onSizeMismatch === 'resize', skip: o.skipUnreadable ?? false, onSkipped: (text) => process.stderr.write(`${text}\n`), onProgress: progressLines('reading the headers of', `the ${what}`) });
    const trainSet = await check(listedTrain, 'training set');
    const valSet = listedVal && (await check(listedVal, 'validation set'));
    await openDevice();
    const result = await train({
      tune,
      ...(config ? { config } : {}),
      ...(resumeChanges ? { resumeChanges } : {}),
      train: trainSet,
      outDir: o.out,
      existing: o.force ? 'move-aside' : 'refuse',
      load,
      strictData: o.strictData ?? false,
      freshOptimizer: o.freshOptimizer ?? false,
      allowDataChange: o.allowDataChange ?? false,
      progress: o.progress,
      ...(valSet ? { val: valSet } : {}),
      ...(o.resume ? { resume: o.resume } : {}),
      ...(o.valLimit ? { valLimit: o.valLimit } : {}),
      ...(o.initWeights ? { initWeights: { path: o.initWeights, skipHead: o.skipHead ?? false } } : {}),
    });
    if (result.interrupted) {
      process.stderr.write(`interrupted at step ${result.step}; checkpoint saved to ${result.checkpoint}; continue with --resume ${result.checkpoint}\n`);
      process.exitCode = exitCodeOf(result.interrupted);
      return;
    }
    if (result.damaged.length > 0) process.stderr.write(`dropped ${result.damaged.length} training sample(s) whose files failed to decode:\n${result.damaged.map((d) => `  ${d.image}: ${d.reason}`).join('\n')}\n`);
    const last = result.history.at(-1);
    process.stdout.write(`trained ${result.step} steps${last ? `, last loss ${last.loss.toFixed(4)}` : ''}; checkpoint ${result.checkpoint}\n`);
    if (result.lastEval) process.stdout.write(`validation: ${JSON.stringify(result.lastEval)}\n`);
  });
}
