// The training loop: for each optimiser step, micro-batches (forward, the NCL losses, backward with
// the loss scaled by 1/accumulate), the optimiser step at the scheduled learning rate guarded on
// the device by the losses and the gradient norm (NaN/Inf: no update, the run stops naming the
// op), one read-back, a log line; the next batch loads while the device works; evaluation and
// checkpoints on their cadence; a checkpoint on Ctrl-C, SIGTERM or SIGHUP (stop-signals.ts). Resuming restores weights, BN statistics, optimiser moments and
// step count; data order, augmentation, sampling and dropout derive from (seed, step) (streams.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { backward } from '../../autograd/backward.ts';
import { mulScalar } from '../../autograd/ops/elementwise.ts';
import { sum } from '../../autograd/ops/reduce.ts';
import { concat, slice } from '../../autograd/ops/shape.ts';
import { keep, noGrad, tidy } from '../../autograd/scope.ts';
import type { Tensor } from '../../autograd/tensor.ts';
import type { DatasetListing } from '../../data/dataset.ts';
import type { LoadOptions } from '../../data/loader.ts';
import { Rng } from '../../common/rng.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { NonFiniteError, findNonFiniteOp, hasPending, startChoices, tunePending, type TuneMode } from '../../device.ts';
import { evalJson, evaluate, formatSeparation, type EvalJson } from '../evaluate.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { importPytorchDeepLab } from '../pytorch-import.ts';
import type { ContrastiveBounds } from '../method/contrastive-bounds.ts';
import { contrastiveTerms, hasTwoHeads } from '../method/roles.ts';
import { nclStepLosses, planPatches, type PatchPlan, type StepLosses, type TrainingBatch } from '../method/step.ts';
import { buildNetwork, captureState, readCheckpoint, writeCheckpoint, type RunState } from './checkpoint.ts';
import { modelConfigOf, resolveTrainConfig, type TrainConfig, type TrainConfigLayer } from './config.ts';
import { DamagedSamples, type DamagedSample } from './damaged-samples.ts';
import { checkResumeData, describeTrainingData, type DataRecord } from './run-data.ts';
import { TrainingData } from './data.ts';
import { readLog, RunLog, type LogRecord, type StepRecord } from './log.ts';
import { isFiniteAll, NonFiniteLossError } from './nan-guard.ts';
import { createOptimizer, scheduleOf } from './optimizer.ts';
import { createProgress } from './progress.ts';
import { BEST_CHECKPOINT_FILE, CHECKPOINT_FILE, LOG_FILE, RunFolder, type ExistingRun } from './run-folder.ts';
import { StopRequests, type StopSignal } from './stop-signals.ts';
import { STREAM } from './streams.ts';

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

export interface TrainResult {
  net: NclNetwork;
  config: TrainConfig;
  /** Optimiser steps completed. */
  step: number;
  /** The signal (Ctrl-C's SIGINT, SIGTERM or SIGHUP) that stopped the run after a completed step, if any. */
  interrupted: StopSignal | null;
  checkpoint: string;
  /** best.safetensors and its step, when a validation set was evaluated (else null). */
  best: { checkpoint: string; step: number; pixelF1: number } | null;
  history: StepRecord[];
  lastEval: EvalJson | null;
  /** Training samples dropped because their files failed to decode (damaged-samples.ts). */
  damaged: DamagedSample[];
  /** What the run trained on, as its checkpoints record it (run-data.ts). */
  data: DataRecord;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const notice = o.notice ?? ((text: string) => process.stderr.write(`${text}\n`));
  const folder = RunFolder.claim(o.outDir, { existing: o.existing ?? 'refuse', ...(o.resume ? { resume: o.resume } : {}), notice });
  try {
    return await trainIn(folder, o, notice, () => folder.release());
  } finally {
    folder.release();
  }
}

async function trainIn(folder: RunFolder, o: TrainOptions, notice: (text: string) => void, releaseFolder: () => void): Promise<TrainResult> {
  const resumed = o.resume ? readCheckpoint(o.resume) : null;
  if (!resumed && !o.config) throw new Error('train: give a config, or a checkpoint to resume');
  const config = resumed ? resumedConfig(resumed.config, resumed.step, o.resumeChanges ?? {}, notice) : o.config!;
  const dataRecord = describeTrainingData(o.train, o.load ?? {});
  if (resumed) {
    checkResumeData(o.resume!, resumed.data, dataRecord, o.allowDataChange ?? false, notice);
    if (resumed.optimizer.size === 0) {
      if (!o.freshOptimizer) throw new Error(`${o.resume} holds no optimiser state (a model file, such as the demo's model.safetensors, keeps the weights only): resuming would restart the optimiser's moments at step ${resumed.step}. Resume from the run's checkpoint.safetensors, or pass --fresh-optimizer to continue with fresh moments`);
      notice(`resuming from ${o.resume} with fresh optimiser moments (--fresh-optimizer): it holds the weights only`);
    }
  }
  try {
    startChoices(o.tune ?? 'off', resumed?.variants);
  } catch (e) {
    throw new Error(`${o.resume}: ${(e as Error).message}; resuming would not reproduce the run (continue it with the version of ncl that wrote it)`);
  }
  const net = buildNetwork(config);
  const paramNames = net.namedParameters().map(([n]) => n);
  const { optimizer, schedule } = createOptimizer(net.parameters(), config);
  if (resumed) {
    net.loadState(resumed.model, { source: o.resume });
    optimizer.loadState(resumed.optimizer, paramNames, resumed.optimizerSteps);
  } else if (o.initWeights) {
    await importPytorchDeepLab(o.initWeights.path, net, { skipHead: o.initWeights.skipHead });
  }
  const checkpointPath = join(o.outDir, CHECKPOINT_FILE);
  const log = new RunLog(join(o.outDir, LOG_FILE));
  // The folder's old run and log stay as they are until this run has something to write.
  let begun = false;
  const begin = () => {
    if (begun) return;
    begun = true;
    const aside = folder.takeOver();
    if (aside) notice(`the previous run in ${o.outDir} was moved to ${aside}`);
    log.start(resumed ? resumed.step : null);
  };
  const progress = createProgress(config.steps, resumed?.step ?? 0, o.progress ?? false);
  const say = (line: string) => (o.progress ? progress.note(line) : notice(line)); // said even with --no-progress
  const damaged = new DamagedSamples(o.train.samples.length, {
    strict: o.strictData ?? false,
    onDrop: (d, count) => {
      say(`warning: dropped ${d.image} for the rest of the run (${d.reason}); ${count} of ${o.train.samples.length} training samples dropped so far, ${damaged.limit} tolerated`);
      begin();
      log.append({ type: 'damaged', step: d.step, split: 'train', image: d.image, reason: d.reason });
    },
  });
  const data = new TrainingData(o.train, { seed: config.seed, batchSize: config.batchSize, accumulate: config.accumulate, inputSize: modelConfigOf(config).inputSize, augment: config.augment }, o.load, damaged);
  const lastStep = o.timeBudget ? (o.stopAfter ?? Infinity) : Math.min(config.steps, o.stopAfter ?? config.steps);
  const budgetShare = () => (o.timeBudget ? (performance.now() - o.timeBudget.start) / (o.timeBudget.seconds * 1000) : 0);
  /** Where the run is on its schedule, in planned steps: the step, or under a time budget ⌊f·steps⌋. */
  const schedulePosition = (step: number) => (o.timeBudget ? Math.floor(Math.min(1, budgetShare()) * config.steps) : step);
  const history: StepRecord[] = [];
  let lastEval: EvalJson | null = null;
  let savedStep = resumed?.step ?? 0;
  let savedTo = o.resume ?? checkpointPath;
  let step = resumed?.step ?? 0;
  /** Whether a step is running (else the run is between steps: tuning, evaluating or saving). */
  let inStep = false;
  const stops = new StopRequests({
    position: () => ({ step: inStep ? step + 1 : step, inStep, saved: savedStep, checkpoint: savedTo }),
    say,
    exitNow: (code) => {
      progress.stop();
      releaseFolder();
      process.exit(code);
    },
  }).install();
  // The last state copied to the host: a lost device can no longer be read.
  let hostCopy = null as { state: RunState; step: number; at: number } | null;
  const copyToHost = async (step: number) => {
    hostCopy = { state: await captureState(net, optimizer), step, at: performance.now() };
    return hostCopy.state;
  };
  /** The state after `step`: the host copy if it is of that step, else a fresh one. */
  const stateAt = async (step: number) => (hostCopy?.step === step ? hostCopy.state : await copyToHost(step));
  const save = async (step: number) => {
    begin();
    writeCheckpoint(checkpointPath, await stateAt(step), config, step, dataRecord);
    savedStep = step;
    savedTo = checkpointPath;
  };
  const hostCopySeconds = o.hostCopyEverySeconds ?? 60;
  // The best validation pixel F1 so far (a resumed run starts from its log's evaluations).
  const bestPath = join(o.outDir, BEST_CHECKPOINT_FILE);
  let best: TrainResult['best'] = resumed ? bestOfLog(readLog(join(o.outDir, LOG_FILE)), resumed.step, bestPath) : null;
  const damagedVal = new Set<string>();
  const runEval = async (step: number) => {
    if (!o.val) return;
    const load = { ...o.load, skipUnreadable: !(o.strictData ?? false) || (o.load?.skipUnreadable ?? false) };
    const result = await evaluate(net, o.val, { separation: config.ncl, load, ...(o.valLimit ? { limit: o.valLimit } : {}) });
    lastEval = evalJson(result);
    begin();
    for (const s of result.skipped.filter((s) => !damagedVal.has(s.image))) {
      damagedVal.add(s.image);
      say(`warning: validation left out ${s.image} (${s.reason})`);
      log.append({ type: 'damaged', step, split: 'val', image: s.image, reason: s.reason });
    }
    log.append({ type: 'eval', step, ...lastEval });
    const f1 = lastEval.pixelF1;
    if (f1 !== null && (!best || f1 > best.pixelF1)) {
      writeCheckpoint(bestPath, await stateAt(step), config, step, dataRecord);
      best = { checkpoint: bestPath, step, pixelF1: f1 };
    }
    progress.note(`eval at step ${step}: pixel F1 ${fmt(lastEval.pixelF1)} AUC ${fmt(lastEval.pixelAUC)} (all-tampered F1 ${fmt(lastEval.baselineAllTamperedF1)})${lastEval.separation ? `; ${formatSeparation(lastEval.separation)}` : ''}`);
  };

  /** After a failure: the last completed step from the device, or else the last host copy. */
  const rescue = async (step: number): Promise<string> => {
    const resume = `continue with --resume ${checkpointPath}`;
    try {
      await save(step);
      return `the last completed step (${step}) was saved to ${checkpointPath}; ${resume}`;
    } catch (s) {
      const copy = hostCopy;
      const kept = savedStep > 0 ? `${savedTo} holds step ${savedStep} and is left as it was; continue with --resume ${savedTo}` : 'no checkpoint of this run is on disk';
      const unsaved = `the last completed step (${step}) could not be saved (${(s as Error).message}); ${kept}`;
      if (!copy || copy.step <= savedStep) return unsaved;
      try {
        writeCheckpoint(checkpointPath, copy.state, config, copy.step, dataRecord);
      } catch {
        return unsaved; // the file cannot be written either (a full disk): the host copy cannot help
      }
      return `the device could not be read (${(s as Error).message}); the host copy of step ${copy.step} was saved to ${checkpointPath}; ${resume}`;
    }
  };

  net.train();
  let next: Prefetch = step < lastStep ? prefetch(data, step) : null;
  try {
    let pastDeadline = false;
    while (step < lastStep && !stops.requested && !pastDeadline) {
      const following = step + 1;
      inStep = true;
      const done = await trainStep(net, optimizer, data, config, step, schedule(schedulePosition(step)), next!, () => (following < lastStep ? prefetch(data, following) : null));
      next = done.next;
      const record = done.record;
      step++;
      inStep = false;
      history.push(record);
      begin();
      log.append(record);
      progress.update(record, schedulePosition(step));
      // Before the host copy and any checkpoint: what they record is what the next steps run.
      if (hasPending()) await tuneKernels(progress.note, () => stops.requested);
      if (!hostCopy || performance.now() - hostCopy.at >= hostCopySeconds * 1000) await copyToHost(step);
      await o.onStep?.(record);
      pastDeadline = o.timeBudget !== undefined && budgetShare() >= 1;
      if (config.evalEvery > 0 && step % config.evalEvery === 0 && step < lastStep && !pastDeadline) await runEval(step);
      if (config.checkpointEvery > 0 && step % config.checkpointEvery === 0) await save(step);
    }
    await save(step);
    if (!stops.requested) await runEval(step);
  } catch (e) {
    // The weights hold every completed step (a failing step never reaches the update): keep them.
    if (e instanceof Error && step > savedStep) e.message += `\n${await rescue(step)}`;
    net.dispose();
    throw e;
  } finally {
    discard(next);
    stops.uninstall();
    progress.stop();
    optimizer.dispose();
  }
  return { net, config, step, interrupted: stops.signal, checkpoint: checkpointPath, best, history, lastEval, damaged: damaged.list, data: dataRecord };
}

/**
 * Tunes the kernel shape classes the last step met for the first time, saying what it does: the
 * first run on an adapter has dozens, which take a minute or more. A stop request ends it after
 * the candidate being timed; the classes left keep the variants the step ran.
 */
async function tuneKernels(note: (line: string) => void, stopRequested: () => boolean): Promise<void> {
  const t0 = performance.now();
  let classes = 0;
  const tuned = await tunePending({
    shouldStop: stopRequested,
    onStart: (count) => {
      classes = count;
      note(`tuning ${count} kernel shape class${count === 1 ? '' : 'es'} met for the first time on this adapter (cached for later runs; Ctrl-C stops after the current candidate)`);
    },
    onClass: (row, index) => note(`  tuned ${index + 1}/${classes}: ${row.family} ${row.problem} (${row.candidates.length} candidates, ${(row.tuneMs / 1000).toFixed(1)} s)`),
  });
  const left = classes - tuned.length;
  note(`tuned ${tuned.length} kernel shape class${tuned.length === 1 ? '' : 'es'} in ${((performance.now() - t0) / 1000).toFixed(1)} s${left > 0 ? `; ${left} left untuned (stopping), they keep the variants the step ran` : ''}`);
}

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(4));

/** The config fields a resumed run may change: they do not alter what was already computed. */
export const RESUME_CHANGEABLE = ['steps', 'evalEvery', 'checkpointEvery'] as const;
export type ResumeChanges = Partial<Pick<TrainConfig, (typeof RESUME_CHANGEABLE)[number]>>;

/** The fields of `asked` a resumed run may change; any other field asked for is an error naming it. */
export function resumeChangesOf(asked: TrainConfigLayer): ResumeChanges {
  const fixed: string[] = [];
  for (const [key, value] of Object.entries(asked)) {
    if (value === undefined || (RESUME_CHANGEABLE as readonly string[]).includes(key)) continue;
    if (key === 'ncl' || key === 'model') for (const k of Object.keys(value as object)) fixed.push(`${key}.${k}`);
    else fixed.push(key);
  }
  if (fixed.length) {
    throw new Error(`a resumed run keeps the config stored in its checkpoint; ${fixed.sort().join(', ')} cannot change mid-run (start a new run for that). It can change: ${RESUME_CHANGEABLE.join(', ')}`);
  }
  return Object.fromEntries(RESUME_CHANGEABLE.filter((k) => asked[k] !== undefined).map((k) => [k, asked[k]]));
}

/** The checkpoint's config with the changes applied; a new total of steps stretches the schedule. */
function resumedConfig(stored: TrainConfig, step: number, changes: ResumeChanges, notice: (text: string) => void): TrainConfig {
  const config = resolveTrainConfig(stored, changes);
  if (config.steps <= step) {
    if (changes.steps === undefined) throw new Error(`the checkpoint is at step ${step}, the end of its run of ${stored.steps} steps: give --steps (more than ${step}) to train further`);
    throw new Error(`the checkpoint is at step ${step}: --steps ${config.steps} ends before it (give more steps to train further)`);
  }
  if (config.steps !== stored.steps) {
    const lr = (c: TrainConfig) => scheduleOf(c)(step);
    notice(`resuming at step ${step} with ${config.steps} steps instead of ${stored.steps}: the learning-rate schedule is recomputed over the new total (at step ${step}: ${lr(config).toPrecision(3)} instead of ${lr(stored).toPrecision(3)})`);
  }
  return config;
}

interface MicroBatchResult {
  /** [L, L_seg, L_con of each term..., L_pc if two heads], after the backward pass. */
  values: Tensor;
  /** Reference values of each contrastive term (host numbers). */
  bounds: StepLosses['bounds'];
  patches: number;
  contourPatches: number;
}

/** A micro-batch with the patches its contrastive terms use. */
interface MicroBatch {
  batch: TrainingBatch;
  plan: PatchPlan | null;
}

/** A micro-batch and its patch plan (made on the host, from the masks). */
async function loadMicroBatch(data: TrainingData, config: TrainConfig, step: number, micro: number, loaded?: Promise<TrainingBatch>): Promise<MicroBatch> {
  const batch = await (loaded ?? data.batch(step, micro));
  try {
    return { batch, plan: planPatches(batch, modelConfigOf(config).embedDim, config.ncl, Rng.fromSeed(config.seed, STREAM.sampler, step, micro)) };
  } catch (e) {
    batch.images.dispose();
    throw e;
  }
}

/** Forward and backward of one micro-batch; the loss is scaled by 1/accumulate (gradients sum). */
function forwardBackward(net: NclNetwork, { batch, plan }: MicroBatch, config: TrainConfig, step: number, micro: number): MicroBatchResult {
  net.seedDropout(Rng.fromSeed(config.seed, STREAM.dropout, step, micro).nextU32());
  return tidy(() => {
    const losses = nclStepLosses(net, batch, config.ncl, step, plan);
    backward(mulScalar(losses.total, 1 / config.accumulate));
    const terms = [losses.total, losses.seg, ...losses.con, ...(losses.pc ? [losses.pc] : []), ...(losses.contour ? [losses.contour] : [])];
    const values = keep(noGrad(() => concat(terms.map((v) => v.view([1])), 0)));
    return { values, bounds: losses.bounds, patches: losses.patches, contourPatches: losses.contourPatches };
  });
}

function disposeMicroBatch(b: MicroBatch): void {
  b.batch.images.dispose();
  b.plan?.sample.index.dispose();
}

/** The next step's first batch, decoded, augmented and uploaded while the device works. It reads
 *  nothing back, so it cannot take a read-back's errors or debug reports from the step in flight. */
type Prefetch = Promise<TrainingBatch> | null;

/** Starts loading a step's first batch. A failure (a lost device) surfaces when the step awaits
 *  it, not as an unhandled rejection while the loop is busy elsewhere. */
function prefetch(data: TrainingData, step: number): Promise<TrainingBatch> {
  const loading = data.batch(step, 0);
  loading.catch(() => undefined);
  return loading;
}

/** The best evaluation up to `step` in a resumed run's log, if the checkpoint there is of its step
 *  (a run that went on past its last checkpoint may have left a later one). */
function bestOfLog(log: LogRecord[], step: number, path: string): TrainResult['best'] {
  let best: TrainResult['best'] = null;
  for (const r of log) {
    if (r.type === 'eval' && r.step <= step && r.pixelF1 !== null && (!best || r.pixelF1 > best.pixelF1)) best = { checkpoint: path, step: r.step, pixelF1: r.pixelF1 };
  }
  return best && existsSync(path) && readCheckpoint(path).step === best.step ? best : null;
}

/** The mean of the micro-batches' bounds of one term (those with a kept anchor). */
function meanBounds(bounds: Array<ContrastiveBounds | null>): ContrastiveBounds | null {
  const present = bounds.filter((b) => b !== null);
  if (present.length === 0) return null;
  const mean = (f: (b: ContrastiveBounds) => number) => present.reduce((a, b) => a + f(b), 0) / present.length;
  return { collapse: mean((b) => b.collapse), minimum: mean((b) => b.minimum) };
}

/** Releases a prefetched batch that no step will use (the loop ended, or a step failed). */
function discard(next: Prefetch): void {
  next?.then((batch) => batch.images.dispose()).catch(() => undefined);
}

/**
 * One optimiser step. Its micro-batches and their patch plans (made on the host) are loaded
 * first; then everything is recorded before anything is read back: the
 * micro-batches' forward and backward, and an update that the device skips unless the losses and
 * the gradient norm (which the optimiser computes for clipping) are finite (Optimizer.step's
 * guard). Meanwhile the next step's first batch is loaded (`prefetchNext`). Then the losses and the
 * norm come back in one wait; if any is not finite, the weights are as they were, and the step is
 * replayed to name the op.
 */
async function trainStep(net: NclNetwork, optimizer: Optimizer, data: TrainingData, config: TrainConfig, step: number, lr: number, first: Promise<TrainingBatch>, prefetchNext: () => Prefetch): Promise<{ record: StepRecord; next: Prefetch }> {
  const start = performance.now();
  const batches: MicroBatch[] = [];
  const results: MicroBatchResult[] = [];
  let next: Prefetch = null;
  const fail = async (what: string): Promise<never> => {
    const found = await findNonFiniteOp(() => {
      optimizer.zeroGrad();
      for (const [micro, batch] of batches.entries()) forwardBackward(net, batch, config, step, micro).values.dispose();
    });
    throw new NonFiniteLossError(`${what} at step ${step + 1}: ${found}. The weights were not updated; the last good checkpoint is left as it was.`);
  };
  try {
    for (let micro = 0; micro < config.accumulate; micro++) batches.push(await loadMicroBatch(data, config, step, micro, micro === 0 ? first : undefined));
    batches.forEach((microBatch, micro) => results.push(forwardBackward(net, microBatch, config, step, micro)));
    const guard = noGrad(() => tidy(() => sum(concat(results.map((r) => r.values), 0)).view([1])));
    optimizer.lr = lr;
    optimizer.step(guard);
    guard.dispose();
    next = prefetchNext();
    // One read-back: every micro-batch's loss terms, then the gradient norm ([scale, norm] of clipping).
    const clip = optimizer.lastClip!;
    const report = noGrad(() => tidy(() => concat([...results.map((r) => r.values), slice(clip, [1], [1])], 0)));
    const numbers = await report.data();
    report.dispose();
    const width = results[0]!.values.size;
    const values = results.map((_, micro) => numbers.subarray(micro * width, (micro + 1) * width));
    const gradNorm = numbers[numbers.length - 1]!;
    const bad = values.find((v) => !isFiniteAll(v));
    if (bad || !Number.isFinite(gradNorm)) {
      optimizer.forgetStep();
      await fail(bad ? `non-finite loss (${Array.from(bad, (v) => v.toPrecision(4)).join(', ')})` : `non-finite gradient norm (${gradNorm})`);
    }
    optimizer.zeroGrad();
    const means = Array.from(values[0]!, (_, i) => values.reduce((total, v) => total + v[i]! / config.accumulate, 0));
    const seconds = (performance.now() - start) / 1000;
    const record: StepRecord = {
      type: 'step',
      step: step + 1,
      lr,
      loss: means[0]!,
      seg: means[1]!,
      gradNorm,
      patches: results.reduce((n, r) => n + r.patches, 0),
      contourPatches: results.reduce((n, r) => n + r.contourPatches, 0),
      imagesPerSecond: (config.batchSize * config.accumulate) / seconds,
      seconds,
    };
    const terms = contrastiveTerms(config.ncl.roleSwitch, step, config.ncl.switchEvery);
    terms.forEach((t, i) => {
      record[t.head === 't' ? 'con_t' : 'con_a'] = means[2 + i]!;
      const bounds = meanBounds(results.map((r) => r.bounds[i] ?? null));
      if (bounds) (record.bounds ??= {})[t.head] = bounds;
    });
    const pcTerms = hasTwoHeads(config.ncl.roleSwitch) ? 1 : 0;
    if (pcTerms) record.pc = means[2 + terms.length]!;
    if (config.ncl.lambdaContour > 0) record.contour = means[2 + terms.length + pcTerms]!;
    return { record, next };
  } catch (e) {
    discard(next);
    if (e instanceof NonFiniteError) throw new NonFiniteLossError(`at step ${step + 1}: ${e.message}`);
    throw e;
  } finally {
    for (const r of results) r.values.dispose();
    for (const b of batches) disposeMicroBatch(b);
  }
}
