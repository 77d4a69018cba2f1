// The main job on the built-in default (`ncl demo`): generate the synthetic tampering set, train
// the tiny preset with NCL for a time budget (evaluating on the validation split a few times, which
// keeps the best checkpoint by validation as run/best.safetensors), evaluate the final network once
// on the test split, and write model.safetensors, metrics.json and report.html. The number of
// steps is planned from the measured time of a few calibration steps (train/calibrate.ts); the run
// then trains for the budget itself, its learning-rate schedule following the share of the
// budget used, so a machine whose pace changes still gets the whole schedule. The scale (images,
// their size, the recipe) follows the adapter: a CPU adapter gets the recipe that fits 10 minutes
// on 2 cores, a GPU a larger one (demoScale).
import { join } from 'node:path';
import { openDataset } from '../data/dataset.ts';
import { generateSyntheticSet, minimumSyntheticCount } from '../data/synth/generate.ts';
import { deviceAdapter, type TuneMode } from '../device.ts';
import { evalJson, evaluate, type EvalJson } from './evaluate.ts';
import { collectSamples, writeReport } from './report/report.ts';
import { saveCheckpoint } from './train/checkpoint.ts';
import { measureStepTime, stepsForBudget } from './train/calibrate.ts';
import { DEMO_CONFIG } from './demo-config.ts';
import { modelConfigOf, optimizerSettings, resolveTrainConfig, warmupOf, type TrainConfig, type TrainConfigLayer } from './train/config.ts';
import { readLog } from './train/log.ts';
import { LOG_FILE } from './train/run-folder.ts';
import { train } from './train/trainer.ts';
import { writeTextAtomic } from '../io/atomic-write.ts';
import { synthGroups } from '../metrics/groups.ts';

export interface DemoOptions {
  out: string;
  /** Training time budget in minutes (generation and evaluation come on top). */
  minutes: number;
  seed: number;
  /** Images in the synthetic set (train, val and test together) and their side in pixels;
   *  absent: the adapter's scale (demoScale). */
  images?: number;
  imageSize?: number;
  /** Config fields over the demo's defaults. */
  config: TrainConfigLayer;
  /** Kernel tuning (the trainer's `tune`); absent: the adapter's scale decides (demoScale). */
  tune?: TuneMode;
  progress: boolean;
  log: (line: string) => void;
}

/** What the demo trains on an adapter. */
export interface DemoScale {
  /** 'CPU adapter' or 'GPU adapter': said in the log and the report with the scale actually used. */
  adapter: string;
  images: number;
  imageSize: number;
  /** Config fields over DEMO_CONFIG. */
  config: TrainConfigLayer;
  /** Kernel tuning: read the tuning cache and tune an unseen shape class once ('lazy'), or not. */
  tune: TuneMode;
}

/**
 * CPU adapters: 200 images of 128 px and DEMO_CONFIG, measured to fit 10 minutes on 2 cores, with
 * the profile's kernels: tuning takes 1–2 minutes there and a tuned step is no faster on llvmpipe
 * (bench/RESULTS.md, "`ncl tune` on llvmpipe"). GPU adapters: 800 images of 256 px, the tiny
 * preset at 256 px input, batch 16: four times the data at twice the resolution, for the same
 * budget (not yet measured on a GPU; bench/RESULTS.md), with tuned kernels.
 */
export function demoScale(cpuAdapter: boolean): DemoScale {
  return cpuAdapter
    ? { adapter: 'CPU adapter', images: 200, imageSize: 128, config: {}, tune: 'off' }
    : { adapter: 'GPU adapter', images: 800, imageSize: 256, config: { batchSize: 16, model: { inputSize: 256 } }, tune: 'lazy' };
}

/** Evaluations on the validation split during the demo's training. */
const DEMO_EVALUATIONS = 4;

export interface DemoResult {
  metrics: EvalJson;
  config: TrainConfig;
  steps: number;
  seconds: { generate: number; calibrate: number; train: number; evaluate: number; total: number };
}

/** A function giving the seconds since its previous call (the first call: since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const lap = stopwatch();
  const adapter = deviceAdapter();
  const scale = demoScale(adapter.fallback);
  const [images, imageSize] = [o.images ?? scale.images, o.imageSize ?? scale.imageSize];
  const least = minimumSyntheticCount();
  if (images < least) throw new Error(`--images must be at least ${least} (the validation and test splits need a tampered and an authentic image each, training one image), got ${images}`);
  const tune = o.tune ?? scale.tune;
  // Steps asked for win over the time budget; the demo's short warm-up then gives way to the
  // default share of those steps unless a warm-up is asked for too.
  const stepsAsked = o.config.steps !== undefined;
  const base = resolveTrainConfig({ ...DEMO_CONFIG, seed: o.seed }, scale.config, stepsAsked ? { warmupSteps: null } : {}, o.config);
  const scaleLine = `${scale.adapter}: ${images} images of ${imageSize} px, ${base.preset} preset at ${modelConfigOf(base).inputSize} px, batch ${base.batchSize}`;
  o.log(`${scaleLine}, ${tune === 'off' ? "the profile's kernels" : 'tuned kernels'}`);
  o.log(`generating ${images} synthetic images (${imageSize} px) in ${join(o.out, 'synth')}`);
  await generateSyntheticSet({ out: join(o.out, 'synth'), count: images, size: imageSize, seed: o.seed, force: true });
  const split = (name: string) => openDataset(join(o.out, 'synth', `${name}.json`));
  const [trainSet, valSet, testSet] = await Promise.all([split('train'), split('val'), split('test')]);
  const generate = lap();

  let config = base;
  if (stepsAsked) {
    o.log(`training the ${config.steps} steps asked for (the ${o.minutes}-minute budget is not used)`);
  } else {
    const timing = await measureStepTime(base, trainSet);
    config = resolveTrainConfig(base, { steps: stepsForBudget(o.minutes, timing, warmupOf(base)) });
    o.log(`${timing.secondsPerStep.toFixed(2)} s per step of ${config.batchSize} images → ${config.steps} steps in ${o.minutes} min`);
  }
  const calibrate = lap();

  if (o.config.evalEvery === undefined) config = resolveTrainConfig(config, { evalEvery: Math.max(1, Math.ceil(config.steps / DEMO_EVALUATIONS)) });
  // On a shared machine the pace moves by tens of per cent from minute to minute, so the run
  // trains for the budget itself, its schedule following the share of the budget used; the
  // calibrated steps only scale it (warm-up, evaluation cadence).
  const budget = stepsAsked ? {} : { timeBudget: { start: performance.now(), seconds: o.minutes * 60 } };
  const run = await train({ config, train: trainSet, val: valSet, outDir: join(o.out, 'run'), existing: 'replace', progress: o.progress, tune, ...budget });
  const trainSeconds = lap();
  if (run.interrupted) o.log(`training stopped by ${run.interrupted} after step ${run.step}: scoring and reporting what was trained (another signal ends the demo)`);
  if (!stepsAsked) o.log(`${run.step} steps fit the ${o.minutes}-minute budget (${config.steps} planned)`);
  const groups = await synthGroups(join(o.out, 'synth', 'test.json'));
  const evaluation = await evaluate(run.net, testSet, { separation: config.ncl, ...(groups ? { groups: { table: groups } } : {}) });
  const metrics = evalJson(evaluation);
  await saveCheckpoint(join(o.out, 'model.safetensors'), run.net, null, config, run.step, run.data);
  writeTextAtomic(join(o.out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  const samples = await collectSamples(run.net, testSet, 4, 2);
  const evaluateSeconds = lap();
  const total = generate + calibrate + trainSeconds + evaluateSeconds;
  await writeReport(join(o.out, 'report.html'), {
    title: 'NCL demo: tiny preset on the synthetic tampering set',
    notes: [
      `data: ${trainSet.samples.length} training, ${valSet.samples.length} validation and ${testSet.samples.length} test images (${imageSize} px, split by source photo), seed ${o.seed}; the metrics below are the final network's on the test split (the best by validation pixel F1 is run/best.safetensors${run.best ? `, step ${run.best.step}` : ''})`,
      `scale: ${scaleLine}`,
      `model: preset ${config.preset}, input ${modelConfigOf(config).inputSize} px; role switch ${config.ncl.roleSwitch}, λ_con ${config.ncl.lambdaCon}, λ_pc ${config.ncl.lambdaPc}, τ ${config.ncl.tau}, tampered-pixel weight in L_seg ${config.ncl.segTamperedWeight}`,
      `training: ${run.step} steps of ${config.batchSize} images, ${config.optimizer} lr ${optimizerSettings(config).lr}, ${trainSeconds.toFixed(0)} s`,
      `wall time: ${total.toFixed(0)} s in all (generation ${generate.toFixed(0)} s, calibration ${calibrate.toFixed(0)} s, evaluation and report ${evaluateSeconds.toFixed(0)} s)`,
      `adapter: ${adapter.description}${adapter.fallback ? ' (CPU fallback, not a GPU)' : ''}`,
    ],
    log: readLog(join(o.out, 'run', LOG_FILE)),
    evaluation,
    samples,
  });
  run.net.dispose();
  return { metrics, config, steps: run.step, seconds: { generate, calibrate, train: trainSeconds, evaluate: evaluateSeconds, total } };
}
