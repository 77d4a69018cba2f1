// How long a training step takes on this adapter: a few real steps of the same config on the same
// data. The first steps are not counted: the first compiles the pipelines, and the buffer pool and
// bind-group cache reach their steady state over the next one (bench/RESULTS.md, "train and the
// demo"); counting it made the demo train about 6 of its 8 minutes. On a shared machine the pace
// still moves by tens of per cent from one minute to the next (calibrations of 1.33 and 1.02 s for
// demo runs whose steps then took a median of 1.15 and 1.12 s), so `ncl demo` takes this as a plan
// and trains for its budget itself (time-budget.ts). `ncl ablate --minutes` gives every
// run the step count planned from it, so all its runs train the same steps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetListing } from '../../data/dataset.ts';
import type { LoadOptions } from '../../data/loader.ts';
import { resolveTrainConfig, type TrainConfig } from './config.ts';
import { train } from './trainer.ts';

export interface StepTiming {
  /** Seconds per optimiser step (median of the timed steps). */
  secondsPerStep: number;
  imagesPerSecond: number;
  /** Seconds of the first step (pipeline compilation included). */
  firstStepSeconds: number;
}

/** Steps run before the timed ones, and steps timed. */
const SETTLING_STEPS = 2;
const TIMED_STEPS = 8;

export async function measureStepTime(config: TrainConfig, data: DatasetListing, load: LoadOptions = {}): Promise<StepTiming> {
  const outDir = await mkdtemp(join(tmpdir(), 'ncl-calibrate-'));
  try {
    const steps = SETTLING_STEPS + TIMED_STEPS;
    const trial = await train({ config: resolveTrainConfig(config, { steps: steps + 1, warmupSteps: 1, checkpointEvery: 0 }), train: data, outDir, stopAfter: steps, load });
    trial.net.dispose();
    const timed = trial.history.slice(SETTLING_STEPS).map((r) => r.seconds).sort((a, b) => a - b);
    const secondsPerStep = timed[Math.floor(timed.length / 2)]!;
    return { secondsPerStep, imagesPerSecond: (config.batchSize * config.accumulate) / secondsPerStep, firstStepSeconds: trial.history[0]!.seconds };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Steps that fit `minutes` at the measured pace (at least one past the warm-up). */
export function stepsForBudget(minutes: number, timing: StepTiming, warmupSteps: number): number {
  return Math.max(warmupSteps + 1, Math.floor((minutes * 60) / timing.secondsPerStep));
}
