// `ncl bench train`: one NCL training step (forward, the NCL losses, backward, optimiser update) of a
// preset on a fixed batch (its patch sample planned once, untimed) from the synthetic set, as
// images/s; what one step asks of the runtime (dispatches, submits, buffers created, read-backs);
// then a separate profiling pass that replays the step's dispatches one at a time, each submitted
// and waited for alone, and sums the
// time per kernel family. Synchronising per dispatch removes the overlap and batching of a normal
// step and adds a submit + wait to every kernel, so the profile shows where time goes relative to
// other kernels, not how long the step takes; its sum exceeds the step time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backward } from '../src/autograd/backward.ts';
import { tidy } from '../src/autograd/scope.ts';
import { openDataset } from '../src/data/dataset.ts';
import { generateSyntheticSet } from '../src/data/synth/generate.ts';
import { Rng } from '../src/common/rng.ts';
import { nclStepLosses, planPatches, type PatchPlan, type TrainingBatch } from '../src/ncl/method/step.ts';
import { buildNetwork } from '../src/ncl/train/checkpoint.ts';
import { modelConfigOf, resolveTrainConfig, type TrainConfig } from '../src/ncl/train/config.ts';
import { TrainingData } from '../src/ncl/train/data.ts';
import { createOptimizer } from '../src/ncl/train/optimizer.ts';
import type { NclNetwork } from '../src/ncl/method/model/network.ts';
import type { Optimizer } from '../src/optim/optimizer.ts';
import { runtime } from '../src/runtime/context.ts';
import type { DispatchRequest } from '../src/runtime/runtime.ts';
import { Report, benchHeader, nclDone, timeRuns, type BenchOptions } from './harness.ts';

export interface TrainBenchOptions extends BenchOptions {
  preset: TrainConfig['preset'];
  batchSize: number;
  inputSize?: number;
  /** Skip the per-dispatch profiling pass. */
  noProfile: boolean;
}

function step(net: NclNetwork, optimizer: Optimizer, batch: TrainingBatch, plan: PatchPlan | null, config: TrainConfig): void {
  tidy(() => backward(nclStepLosses(net, batch, config.ncl, 0, plan).total));
  optimizer.step();
  optimizer.zeroGrad();
}

/** The kernel family: the kernel's name up to its specialisation ("matmul[tile=4x4]" → "matmul"). */
const family = (name: string) => name.split(/[[:]/)[0]!;

/** What one step (and the wait for it) asks of the runtime: the host-overhead counters. */
async function stepCounts(run: () => void): Promise<Array<[string, number]>> {
  const rt = runtime();
  await rt.sync();
  const created = () => rt.pool.stats().created + rt.buffersCreated;
  const before = { dispatches: rt.dispatches, submits: rt.submits, created: created(), bindGroups: rt.bindGroups.created, readBacks: rt.readBacks };
  run();
  await rt.sync();
  return [
    ['dispatches per step', rt.dispatches - before.dispatches],
    ['submits per step', rt.submits - before.submits],
    ['buffers created per step', created() - before.created],
    ['bind groups created per step', rt.bindGroups.created - before.bindGroups],
    ['read-backs per step', rt.readBacks - before.readBacks],
  ];
}

/** Records the step's dispatches, then replays each alone: submit, wait, time. */
async function profileStep(run: () => void): Promise<Map<string, { ms: number; count: number }>> {
  const rt = runtime();
  await rt.sync();
  const recorded: DispatchRequest[] = [];
  const stop = rt.observeDispatches((request) => recorded.push(request));
  try {
    run();
    await rt.sync();
  } finally {
    stop();
  }
  const totals = new Map<string, { ms: number; count: number }>();
  for (const request of recorded) {
    const t0 = performance.now();
    rt.dispatch(request);
    rt.flush();
    await rt.device.queue.onSubmittedWorkDone();
    const entry = totals.get(family(request.kernel.name)) ?? { ms: 0, count: 0 };
    entry.ms += performance.now() - t0;
    entry.count++;
    totals.set(family(request.kernel.name), entry);
  }
  return totals;
}

export async function benchTrain(o: TrainBenchOptions): Promise<void> {
  const config = resolveTrainConfig({ preset: o.preset, batchSize: o.batchSize, augment: false, ...(o.inputSize ? { model: { inputSize: o.inputSize } } : {}) });
  const size = modelConfigOf(config).inputSize;
  const dir = await mkdtemp(join(tmpdir(), 'ncl-bench-train-'));
  try {
    await generateSyntheticSet({ out: dir, count: Math.max(10, 2 * o.batchSize), size, seed: 0, testShare: 0.1 });
    const data = new TrainingData(await openDataset(join(dir, 'train.json')), { seed: 0, batchSize: o.batchSize, accumulate: 1, inputSize: size, augment: false });
    const batch = await data.batch(0, 0);
    const plan = await planPatches(batch, modelConfigOf(config).embedDim, config.ncl, Rng.fromSeed(0));
    const net = buildNetwork(config).train();
    const { optimizer } = createOptimizer(net.parameters(), config);
    const report = new Report(
      benchHeader('train', { preset: o.preset, inputSize: size, batchSize: o.batchSize, roleSwitch: config.ncl.roleSwitch, parameters: net.parameters().reduce((n, p) => n + p.size, 0) }),
      ['row', 'ms', 'min', 'max', 'imagesPerSecond', 'count', 'share'],
      o.json,
    );
    const t = await timeRuns(() => step(net, optimizer, batch, plan, config), nclDone, o);
    report.add({ row: 'train step', ms: t.ms, min: t.min, max: t.max, imagesPerSecond: (1000 * o.batchSize) / t.ms, count: null, share: null });
    for (const [row, count] of await stepCounts(() => step(net, optimizer, batch, plan, config))) {
      report.add({ row, ms: null, min: null, max: null, imagesPerSecond: null, count, share: null });
    }
    if (!o.noProfile) {
      report.note('profile: each dispatch of one step replayed alone (submit + wait); synchronising per dispatch distorts timings, so read the shares, not the sum');
      const totals = await profileStep(() => step(net, optimizer, batch, plan, config));
      const sum = [...totals.values()].reduce((a, e) => a + e.ms, 0);
      for (const [name, e] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
        report.add({ row: name, ms: e.ms, min: null, max: null, imagesPerSecond: null, count: e.count, share: e.ms / sum });
      }
    }
    report.finish({ compileMs: t.compileMs });
    batch.images.dispose();
    plan?.sample.index.dispose();
    net.dispose();
    optimizer.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
