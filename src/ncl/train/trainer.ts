// The training loop: for each optimiser step (step-runner.ts: micro-batches — forward, the NCL
// losses, backward with the loss scaled by 1/accumulate —, the optimiser step at the scheduled
// learning rate guarded on the device by the losses and the gradient norm — NaN/Inf: no update,
// the run stops naming the op —, one read-back), a log line; the next batch loads while the
// device works; the samples are read from disk (listing-samples.ts); evaluation
// (evaluation-cadence.ts) and checkpoints (checkpoint-keeper.ts) on their cadence; the run stops at
// its step count, its time budget or Ctrl-C, SIGTERM or SIGHUP (stop-conditions.ts), and saves a
// checkpoint. Resuming (starting-point.ts) restores weights, BN statistics, optimiser moments and
// step count; data order, augmentation, sampling and dropout derive from (seed, step) (streams.ts).
import type { EvalJson } from '../evaluate.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { sharpJpeg } from '../../data/image-io.ts';
import { hasPending, tunePending } from '../../device.ts';
import { CheckpointKeeper, type BestCheckpoint } from './checkpoint-keeper.ts';
import type { TrainConfig } from './config.ts';
import { DamagedSamples, type DamagedSample } from './damaged-samples.ts';
import { batchPlanOf, TrainingData } from './data.ts';
import { EvaluationCadence } from './evaluation-cadence.ts';
import { listingSamples } from './listing-samples.ts';
import type { StepRecord } from './log.ts';
import { createProgress } from './progress.ts';
import type { DataRecord } from './run-data.ts';
import { RunFolder } from './run-folder.ts';
import { RunOutput } from './run-output.ts';
import { startingPoint } from './starting-point.ts';
import { discard, prefetch, trainStep, type Prefetch } from './step-runner.ts';
import { StopConditions } from './stop-conditions.ts';
import type { StopSignal } from './stop-signals.ts';
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
  const data = new TrainingData(listingSamples(o.train, o.load, damaged), batchPlanOf(config), sharpJpeg);
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
