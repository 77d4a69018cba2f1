// The training loop: for each optimiser step, micro-batches (forward, the NCL losses, backward with
// the loss scaled by 1/accumulate), the optimiser step at the scheduled learning rate guarded on
// the device by the losses and the gradient norm (NaN/Inf: no update, the run stops naming the
// op), one read-back, a log line; the next batch loads while the device works; evaluation
// (evaluation-cadence.ts) and checkpoints (checkpoint-keeper.ts) on their cadence; the run stops at
// its step count, its time budget or Ctrl-C, SIGTERM or SIGHUP (stop-conditions.ts), and saves a
// checkpoint. Resuming (starting-point.ts) restores weights, BN statistics, optimiser moments and
// step count; data order, augmentation, sampling and dropout derive from (seed, step) (streams.ts).
import { backward } from '../../autograd/backward.ts';
import { mulScalar } from '../../autograd/ops/elementwise.ts';
import { sum } from '../../autograd/ops/reduce.ts';
import { concat, slice } from '../../autograd/ops/shape.ts';
import { keep, noGrad, tidy } from '../../autograd/scope.ts';
import type { Tensor } from '../../autograd/tensor.ts';
import { Rng } from '../../common/rng.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { NonFiniteError, findNonFiniteOp, hasPending, tunePending } from '../../device.ts';
import type { EvalJson } from '../evaluate.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { stepBounds, type ContrastiveBounds } from '../diagnostics/contrastive-bounds.ts';
import { contrastiveTerms, hasTwoHeads } from '../method/roles.ts';
import { nclStepLosses, planPatches, type PatchPlan, type TrainingBatch } from '../method/step.ts';
import { CheckpointKeeper, type BestCheckpoint } from './checkpoint-keeper.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import { DamagedSamples, type DamagedSample } from './damaged-samples.ts';
import { TrainingData } from './data.ts';
import { EvaluationCadence } from './evaluation-cadence.ts';
import type { StepRecord } from './log.ts';
import { isFiniteAll, NonFiniteLossError } from './nan-guard.ts';
import { createProgress } from './progress.ts';
import type { DataRecord } from './run-data.ts';
import { RunFolder } from './run-folder.ts';
import { RunOutput } from './run-output.ts';
import { startingPoint } from './starting-point.ts';
import { StopConditions } from './stop-conditions.ts';
import type { StopSignal } from './stop-signals.ts';
import { STREAM } from './streams.ts';
import { TimeBudget } from './time-budget.ts';
import type { TrainOptions } from './train-options.ts';

export interface TrainResult {
  net: NclNetwork;
  config: TrainConfig;
  /** Optimiser steps completed. */
  step: number;
  /** The signal (Ctrl-C's SIGINT, SIGTERM or SIGHUP) that stopped the run after a completed step, if any. */
  interrupted: StopSignal | null;
  checkpoint: string;
  /** best.safetensors and its step, when a validation set was evaluated (else null). */
  best: BestCheckpoint | null;
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
  const { config, dataRecord, net, optimizer, schedule, resumed } = await startingPoint(o, notice);
  const output = new RunOutput(folder, resumed?.step ?? null, notice);
  const progress = createProgress(config.steps, resumed?.step ?? 0, o.progress ?? false);
  const say = (line: string) => (o.progress ? progress.note(line) : notice(line)); // said even with --no-progress
  const damaged = new DamagedSamples(o.train.samples.length, {
    strict: o.strictData ?? false,
    onDrop: (d, count) => {
      say(`warning: dropped ${d.image} for the rest of the run (${d.reason}); ${count} of ${o.train.samples.length} training samples dropped so far, ${damaged.limit} tolerated`);
      output.append({ type: 'damaged', step: d.step, split: 'train', image: d.image, reason: d.reason });
    },
  });
  const data = new TrainingData(o.train, { seed: config.seed, batchSize: config.batchSize, accumulate: config.accumulate, inputSize: modelConfigOf(config).inputSize, augment: config.augment }, o.load, damaged);
  const checkpoints = new CheckpointKeeper({ net, optimizer, config, dataRecord }, o.outDir, output, resumed, o.hostCopyEverySeconds ?? 60);
  const evaluations = new EvaluationCadence(net, config, o, { output, checkpoints, say, note: progress.note });
  const budget = o.timeBudget ? new TimeBudget(o.timeBudget) : null;
  /** Where the run is on its schedule, in planned steps: the step, or under a time budget ⌊f·steps⌋. */
  const schedulePosition = (step: number) => budget?.schedulePosition(config.steps) ?? step;
  const history: StepRecord[] = [];
  let step = resumed?.step ?? 0;
  /** Whether a step is running (else the run is between steps: tuning, evaluating or saving). */
  let inStep = false;
  const stops = new StopConditions(config.steps, o.stopAfter, budget, {
    position: () => ({ step: inStep ? step + 1 : step, inStep, saved: checkpoints.savedStep, checkpoint: checkpoints.savedTo }),
    say,
    exitNow: (code) => {
      progress.stop();
      releaseFolder();
      process.exit(code);
    },
  });

  net.train();
  let next: Prefetch = step < stops.lastStep ? prefetch(data, step) : null;
  try {
    while (stops.goOnAfter(step)) {
      const following = step + 1;
      inStep = true;
      const done = await trainStep(net, optimizer, data, config, step, schedule(schedulePosition(step)), next!, () => (following < stops.lastStep ? prefetch(data, following) : null));
      next = done.next;
      step++;
      inStep = false;
      history.push(done.record);
      output.append(done.record);
      progress.update(done.record, schedulePosition(step));
      // Before the host copy and any checkpoint: what they record is what the next steps run.
      if (hasPending()) await tuneKernels(progress.note, () => stops.signalled);
      await checkpoints.copyToHostIfDue(step);
      await o.onStep?.(done.record);
      stops.checkTimeBudget();
      await evaluations.evaluateIfDue(step, stops.lastPlanned(step));
      await checkpoints.saveIfDue(step);
    }
    await checkpoints.save(step);
    if (!stops.signalled) await evaluations.evaluate(step);
  } catch (e) {
    // The weights hold every completed step (a failing step never reaches the update): keep them.
    if (e instanceof Error && step > checkpoints.savedStep) e.message += `\n${await checkpoints.rescue(step)}`;
    net.dispose();
    throw e;
  } finally {
    discard(next);
    stops.uninstall();
    progress.stop();
    optimizer.dispose();
  }
  return { net, config, step, interrupted: stops.signal, checkpoint: checkpoints.path, best: checkpoints.best, history, lastEval: evaluations.last, damaged: damaged.list, data: dataRecord };
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

interface MicroBatchResult {
  /** [L, L_seg, L_con of each term..., L_pc if two heads], after the backward pass. */
  values: Tensor;
  /** Reference values of each contrastive term (host numbers). */
  bounds: Array<ContrastiveBounds | null>;
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
    return { values, bounds: stepBounds(losses, config.ncl.tau), patches: losses.patches, contourPatches: losses.contourPatches };
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
