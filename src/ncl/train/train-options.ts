// What a training run is asked to do (`train`, trainer.ts); each part of the run reads its share.
import type { DatasetListing } from '../../data/dataset.ts';
import type { LoadOptions } from '../../data/loader.ts';
import type { TuneMode } from '../../device.ts';
import type { TrainConfig } from './config.ts';
import type { StepRecord } from './log.ts';
import type { ResumeChanges } from './resume-changes.ts';
import type { ExistingRun } from './run-folder.ts';

export interface TrainOptions {
  /** The run's config; with `resume` the checkpoint's applies instead (see resumeChanges). */
  config?: TrainConfig;
  train: DatasetListing;
  val?: DatasetListing;
  load?: LoadOptions;
  /** Folder for checkpoint.safetensors and log.jsonl, locked for the run (run-folder.ts). */
  outDir: string;
  /** What to do with another run found in outDir (default: refuse). */
  existing?: ExistingRun;
  /** Where notices go (a stale lock taken over, the old run moved aside); default stderr. */
  notice?: (text: string) => void;
  /** Continue from this checkpoint (its config replaces `config`, but for `resumeChanges`). */
  resume?: string;
  /** What a resumed run may change of its config (RESUME_CHANGEABLE): more steps, the cadences. */
  resumeChanges?: ResumeChanges;
  /** Start from the weights of a PyTorch DeepLabV3+ export (pytorch-import.ts); not with resume. */
  initWeights?: { path: string; skipHead: boolean };
  /** Evaluate on at most this many validation images. */
  valLimit?: number;
  progress?: boolean;
  /** Stop after this step even if the config's schedule goes further (tests, time budgets). */
  stopAfter?: number;
  /** A time budget (`ncl demo`): the run trains until `seconds` have passed since `start` (a
   *  `performance.now()` time, ms), stopping after the first step that ends past it, and the
   *  learning-rate schedule runs on the share of the budget used instead of the share of
   *  `config.steps` done (a step taken at share f has the rate of step ⌊f·steps⌋). The steps
   *  that fit then follow the machine's pace as it comes; `config.steps` stays the plan, and the
   *  checkpoint's step says how many ran. */
  timeBudget?: { start: number; seconds: number };
  /** Copy the weights and optimiser state to the host after a step when this many seconds have
   *  passed since the last copy (default 60): what is saved if the device is lost mid-run. */
  hostCopyEverySeconds?: number;
  /** Kernel variants: 'lazy' reads the tuning cache and tunes a shape class not in it once, after
   *  the step that first used it; 'off' (the default; `NCL_TUNE=off` for the CLI) keeps the
   *  profile's defaults. Either way, variants a resumed checkpoint recorded are reused. */
  tune?: TuneMode;
  /** With `resume`: continue with fresh optimiser moments when the file holds none (a model file). */
  freshOptimizer?: boolean;
  /** With `resume`: continue although the data or mask options differ from the checkpoint's (run-data.ts). */
  allowDataChange?: boolean;
  /** Make a sample whose file fails to decode fatal, instead of dropping it (damaged-samples.ts). */
  strictData?: boolean;
  /** Called after each completed step (and awaited). */
  onStep?: (record: StepRecord) => void | Promise<void>;
}
