// `ncl bench train`: one NCL training step (forward, the NCL losses, backward, optimiser update) of a
// preset on a fixed batch (its patch sample planned once, untimed) from the synthetic set, as
// images/s; the same step in PyTorch where a python3 with torch is found (bench/peer_torch.py on
// the same initial weights, batch and patch sample; the first step's loss of each side is shown);
// what one step asks of the runtime (dispatches, submits, buffers created, read-backs); then a
// separate profiling pass that replays the step's dispatches one at a time, each submitted and
// waited for alone, and sums the time per kernel family. Synchronising per dispatch removes the
// overlap and batching of a normal step and adds a submit + wait to every kernel, so the profile
// shows where time goes relative to other kernels, not how long the step takes; its sum exceeds
// the step time. The step runs the tuned kernel variants (or, with NCL_TUNE=off, the profile's
// defaults: bench/tuned.ts), tuned after the first step, whose loss is the one compared.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backward } from '../src/autograd/backward.ts';
import { tidy } from '../src/autograd/scope.ts';
import { openDataset } from '../src/data/dataset.ts';
import { generateSyntheticSet } from '../src/data/synth/generate.ts';
import { Rng } from '../src/common/rng.ts';
import { nclStepLosses, planPatches, type PatchPlan, type TrainingBatch } from '../src/ncl/method/step.ts';
import type { NclOptions } from '../src/ncl/method/options.ts';
import { contrastiveTerms } from '../src/ncl/method/roles.ts';
import { buildNetwork } from '../src/ncl/train/checkpoint-codec.ts';
import { modelConfigOf, resolveTrainConfig, type TrainConfig } from '../src/ncl/train/config.ts';
import { TrainingData } from '../src/ncl/train/data.ts';
import { listingSamples } from '../src/ncl/train/listing-samples.ts';
import { createOptimizer } from '../src/ncl/train/optimizer.ts';
import type { NclNetwork } from '../src/ncl/method/model/network.ts';
import type { Optimizer } from '../src/optim/optimizer.ts';
import { runtime } from '../src/runtime/context.ts';
import type { DispatchRequest } from '../src/runtime/runtime.ts';
import { Report, benchHeader, nclDone, timeRuns } from './harness.ts';
import { runPeerScript, torchPeerPython } from './peer.ts';
import type { PeerOptions } from './peers.ts';
import { writeTrainPeerSpec } from './train-peer.ts';
import { startBenchChoices, tuneClassesOf, tuneDescription } from './tuned.ts';

export interface TrainBenchOptions extends PeerOptions {
  preset: TrainConfig['preset'];
  batchSize: number;
  inputSize?: number;
  /** Skip the per-dispatch profiling pass. */
  noProfile: boolean;
}

/** What the bench trains: a preset's network and AdamW on one fixed batch and its patch sample. */
export interface TrainWorkload {
  config: TrainConfig;
  net: NclNetwork;
  optimizer: Optimizer;
  batch: TrainingBatch;
  plan: PatchPlan | null;
}

/** The workload, its batch drawn from a synthetic set written into `dir` (no augmentation): the
 *  first batch in which every patch kind occurs, so that every term of the loss has work (small
 *  regions leave some batches without a whole tampered patch); the method's options are the
 *  defaults unless `ncl` replaces some. */
export async function trainWorkload(dir: string, o: { preset: TrainConfig['preset']; batchSize: number; inputSize?: number; ncl?: Partial<NclOptions> }): Promise<TrainWorkload> {
  const config = resolveTrainConfig({ preset: o.preset, batchSize: o.batchSize, augment: 'none', ncl: o.ncl ?? {}, ...(o.inputSize ? { model: { inputSize: o.inputSize } } : {}) });
  const size = modelConfigOf(config).inputSize;
  await generateSyntheticSet({ out: dir, count: Math.max(48, 4 * o.batchSize), size, seed: 0, testShare: 0.1 });
  const data = new TrainingData(listingSamples(await openDataset(join(dir, 'train.json'))), { seed: 0, batchSize: o.batchSize, accumulate: 1, inputSize: size, augment: 'none' });
  const embedDim = modelConfigOf(config).embedDim;
  const allKinds = { ...config.ncl, roleSwitch: 'dual' as const };
  let step = 0;
  let batch = await data.batch(step, 0);
  const kindsOf = (b: TrainingBatch) => {
    const { sample } = planPatches(b, embedDim, allKinds, Rng.fromSeed(0))!;
    sample.index.dispose();
    return new Set(sample.kinds).size;
  };
  while (kindsOf(batch) < 3) {
    if (++step === 50) throw new Error(`no batch of the first 50 of ${join(dir, 'train.json')} holds every patch kind`);
    batch.images.dispose();
    batch = await data.batch(step, 0);
  }
  const plan = planPatches(batch, embedDim, config.ncl, Rng.fromSeed(0));
  const net = buildNetwork(config).train();
  return { config, net, optimizer: createOptimizer(net.parameters(), config).optimizer, batch, plan };
}

export function disposeWorkload(w: TrainWorkload): void {
  w.batch.images.dispose();
  w.plan?.sample.index.dispose();
  w.net.dispose();
  w.optimizer.dispose();
}

/** One step: forward, the NCL losses (the contrastive terms of step 0), backward, update. */
export function trainStep(w: TrainWorkload): void {
  tidy(() => backward(nclStepLosses(w.net, w.batch, w.config.ncl, 0, w.plan).total));
  w.optimizer.step();
  w.optimizer.zeroGrad();
}

/** One step, returning its loss terms as numbers (named as the PyTorch peer names them). */
export async function trainStepLosses(w: TrainWorkload): Promise<Record<string, number | null>> {
  const terms = contrastiveTerms(w.config.ncl.roleSwitch, 0, w.config.ncl.switchEvery);
  const parts = tidy(() => {
    const l = nclStepLosses(w.net, w.batch, w.config.ncl, 0, w.plan);
    backward(l.total);
    return [l.seg, l.pc, l.contour, l.total, ...l.con];
  });
  w.optimizer.step();
  w.optimizer.zeroGrad();
  const [seg, pc, contour, total, ...con] = await Promise.all(parts.map((t) => t?.item() ?? null));
  for (const t of parts) t?.dispose();
  return { seg: seg!, pc: pc ?? null, contour: contour ?? null, total: total!, ...Object.fromEntries(terms.map((t, i) => [`con_${t.head}`, con[i]!])) };
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
  const dir = await mkdtemp(join(tmpdir(), 'ncl-bench-train-'));
  try {
    const w = await trainWorkload(dir, o);
    const report = new Report(
      benchHeader('train', {
        preset: o.preset,
        inputSize: modelConfigOf(w.config).inputSize,
        batchSize: o.batchSize,
        roleSwitch: w.config.ncl.roleSwitch,
        parameters: w.net.parameters().reduce((n, p) => n + p.size, 0),
        variants: tuneDescription(o.tune),
      }),
      ['impl', 'row', 'ms', 'min', 'max', 'imagesPerSecond', 'vsTorch', 'loss', 'count', 'share', 'variant'],
      o,
    );
    // The peer starts from the same initial weights; its first step's loss is shown beside ncl's.
    const python = torchPeerPython(report, o);
    if (python && modelConfigOf(w.config).dropout.some((p) => p > 0)) report.note('the network has dropout: each side draws its own masks, so the two first-step losses differ');
    const [peer] = python ? runPeerScript(report, python, 'train', [await writeTrainPeerSpec(dir, w.net, w.config, w.batch, w.plan)], o) : [];
    // The step that reads its loss back is the first warm-up step: its compilation counts with theirs.
    startBenchChoices(o.tune);
    const compileBefore = runtime().pipelines.compileMs;
    const loss = (await trainStepLosses(w)).total;
    const lossCompileMs = runtime().pipelines.compileMs - compileBefore;
    if (o.tune) await tuneClassesOf('train step', () => trainStep(w), (text) => report.note(text));
    const t = await timeRuns(() => trainStep(w), nclDone, o);
    const torchMs = peer ? (peer.ms as number) : null;
    const empty = { min: null, max: null, imagesPerSecond: null, vsTorch: null, loss: null };
    report.add({ impl: 'ncl', row: 'train step', ms: t.ms, min: t.min, max: t.max, imagesPerSecond: (1000 * o.batchSize) / t.ms, vsTorch: torchMs === null ? null : torchMs / t.ms, loss, count: null, share: null, variant: t.variants });
    if (peer) report.add({ impl: 'pytorch', row: 'train step', ms: torchMs, min: peer.min as number, max: peer.max as number, imagesPerSecond: peer.imagesPerSecond as number, vsTorch: 1, loss: (peer.loss as Record<string, number>).total!, count: null, share: null });
    for (const [row, count] of await stepCounts(() => trainStep(w))) report.add({ impl: 'ncl', row, ms: null, ...empty, count, share: null });
    if (!o.noProfile) {
      report.note('profile: each dispatch of one step replayed alone (submit + wait); synchronising per dispatch distorts timings, so read the shares, not the sum');
      const totals = await profileStep(() => trainStep(w));
      const sum = [...totals.values()].reduce((a, e) => a + e.ms, 0);
      for (const [name, e] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) report.add({ impl: 'ncl', row: name, ms: e.ms, ...empty, count: e.count, share: e.ms / sum });
    }
    report.finish({ compileMs: t.compileMs + lossCompileMs });
    disposeWorkload(w);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
