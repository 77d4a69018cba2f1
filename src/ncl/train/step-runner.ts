// One optimiser step of a training run, as the trainer (trainer.ts) and the in-memory run of the
// browser page (memory-run.ts) both take it: its micro-batches and their patch plans (made on the
// host) are loaded first; then everything is recorded before anything is read back: the
// micro-batches' forward and backward (the loss scaled by 1/accumulate, so gradients sum), and an
// update that the device skips unless the losses and the gradient norm (which the optimiser
// computes for clipping) are finite (Optimizer.step's guard). Meanwhile the next step's first batch
// loads (`prefetch`). Then the losses and the norm come back in one wait; if any is not finite, the
// weights are as they were, and the step is replayed under the per-kernel checks to name the op
// (nan-guard.ts). Batches come from any `BatchSource` (data.ts's TrainingData). Portable: no Node
// built-in, no file, no log (StepRecord is a type only).
import { backward } from '../../autograd/backward.ts';
import { mulScalar } from '../../autograd/ops/elementwise.ts';
import { sum } from '../../autograd/ops/reduce.ts';
import { concat, slice } from '../../autograd/ops/shape.ts';
import { keep, noGrad, tidy } from '../../autograd/scope.ts';
import type { Tensor } from '../../autograd/tensor.ts';
import { Rng } from '../../common/rng.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { NonFiniteError, findNonFiniteOp } from '../../device.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { stepBounds, type ContrastiveBounds } from '../diagnostics/contrastive-bounds.ts';
import { contrastiveTerms, hasTwoHeads } from '../method/roles.ts';
import { nclStepLosses, planPatches, type PatchPlan, type TrainingBatch } from '../method/step.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import type { StepRecord } from './log.ts';
import { isFiniteAll, NonFiniteLossError } from './nan-guard.ts';
import { STREAM } from './streams.ts';

/** Where a step's batches come from: micro-batch `micro` of optimiser step `step`, uploaded. */
export interface BatchSource {
  batch(step: number, micro: number): Promise<TrainingBatch>;
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
async function loadMicroBatch(data: BatchSource, config: TrainConfig, step: number, micro: number, loaded?: Promise<TrainingBatch>): Promise<MicroBatch> {
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
export type Prefetch = Promise<TrainingBatch> | null;

/** Starts loading a step's first batch. A failure (a lost device) surfaces when the step awaits
 *  it, not as an unhandled rejection while the loop is busy elsewhere. */
export function prefetch(data: BatchSource, step: number): Promise<TrainingBatch> {
  const loading = data.batch(step, 0);
  loading.catch(() => undefined);
  return loading;
}

/** Releases a prefetched batch that no step will use (the loop ended, or a step failed). */
export function discard(next: Prefetch): void {
  next?.then((batch) => batch.images.dispose()).catch(() => undefined);
}

/** The mean of the micro-batches' bounds of one term (those with a kept anchor). */
function meanBounds(bounds: Array<ContrastiveBounds | null>): ContrastiveBounds | null {
  const present = bounds.filter((b) => b !== null);
  if (present.length === 0) return null;
  const mean = (f: (b: ContrastiveBounds) => number) => present.reduce((a, b) => a + f(b), 0) / present.length;
  return { collapse: mean((b) => b.collapse), minimum: mean((b) => b.minimum) };
}

/**
 * One optimiser step (step `step`, 0-based, at learning rate `lr`) whose first micro-batch is
 * `first` (a prefetch); `prefetchNext` starts loading the next step's first batch once this step's
 * work is recorded (null: there is none). Returns the step's record and that prefetch; on a failure
 * the prefetch is discarded, and a non-finite loss or gradient norm throws NonFiniteLossError
 * naming the op, the weights not updated.
 */
export async function trainStep(net: NclNetwork, optimizer: Optimizer, data: BatchSource, config: TrainConfig, step: number, lr: number, first: Promise<TrainingBatch>, prefetchNext: () => Prefetch): Promise<{ record: StepRecord; next: Prefetch }> {
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
