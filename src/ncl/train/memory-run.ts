// A training run on samples held in memory, one optimiser step per call: what the browser page
// trains with (issue 26). It is the trainer's run without the files: a config (config.ts), a
// fresh network (checkpoint-codec.ts's buildNetwork, seeded by the config), its optimiser and
// learning-rate schedule (optimizer.ts), batches drawn, augmented and resized as the trainer's
// (data.ts's TrainingData over `samplesInMemory`), and the trainer's own step (step-runner.ts: the
// NaN guard, the prefetch of the next batch, the one read-back). Given the samples that `ncl train`
// would read from disk, in the listing's order, and the same config, its steps are the trainer's,
// bit for bit (test/ncl/memory-run.test.ts). Pausing is the caller's: it stops calling `next()`.
// `checkpoint()` gives the bytes of an ncl checkpoint (weights, BN statistics, optimiser state,
// step), which `ncl train --resume`, `ncl eval`, `ncl predict` and `ncl export` read like any
// other. What it records as the training data (run-data.ts) is by default the samples themselves,
// by a digest of their pixels, so a resume on a dataset on disk is refused, naming both, unless
// `--allow-data-change` is passed; a caller that knows its samples are a set on disk (the same
// `ncl synth` options, the same bytes) may pass that set's record instead. The run leaves
// evaluation, checkpoint cadence, time budgets and signals to its caller (the config's fields for
// them are not read), and does not tune kernels: it computes with the profile's default variants,
// as `ncl train` does with tuning off. Portable: no Node built-in, no file; the device must be
// open (initDevice) before a run is made.
import { sha256Hex } from '../../common/sha256.ts';
import type { JpegCodec } from '../../data/jpeg-codec.ts';
import { startChoices } from '../../device.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { Schedule } from '../../optim/schedule.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { buildNetwork, captureState, encodeCheckpoint } from './checkpoint-codec.ts';
import type { TrainConfig } from './config.ts';
import { batchPlanOf, samplesInMemory, TrainingData, type TrainingSample } from './data.ts';
import type { StepRecord } from './log.ts';
import { createOptimizer } from './optimizer.ts';
import type { DataRecord } from './run-data.ts';
import { discard, prefetch, trainStep, type Prefetch } from './step-runner.ts';

export interface MemoryRunOptions {
  /** The augmentation's JPEG re-compression: needed when the config's augment is 'full' (in a page,
   *  the browser's codec). */
  jpeg?: JpegCodec;
  /** What the run's checkpoints record as its training data (run-data.ts): by default
   *  `memoryDataRecord(samples)`; null records nothing (a resume then checks no data). */
  data?: DataRecord | null;
}

/** The data record of samples held in memory: their count and a digest of their sizes, pixels and
 *  masks, with the mask options of a dataset read as stored. */
export function memoryDataRecord(samples: readonly TrainingSample[]): DataRecord {
  const chunks: Uint8Array[] = [];
  for (const { image, mask } of samples) {
    chunks.push(new Uint8Array(Uint32Array.from([image.width, image.height]).buffer));
    chunks.push(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength));
    chunks.push(new Uint8Array(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength));
  }
  const digest = sha256Hex(chunks).slice(0, 16);
  return { source: `${samples.length} training samples held in memory (pixel digest ${digest})`, key: `memory/${digest}`, mask: 'mask as stored' };
}

export class MemoryRun {
  readonly net: NclNetwork;
  private readonly optimizer: Optimizer;
  private readonly schedule: Schedule;
  private readonly data: TrainingData;
  private readonly dataRecord: () => DataRecord | null;
  /** The next step's first batch, loading while the device works (null: not started). */
  private pending: Prefetch = null;
  /** Steps, checkpoints and disposal run one after another, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private completed = 0;
  /** Why the run cannot go on: a step failed. */
  private failure: string | null = null;
  private disposed = false;

  /**
   * A fresh run of `config` on `samples` (images and 0/1 masks of any size, each mask the size of
   * its image; held, not copied, and never modified). Resets the run's kernel variant choices to
   * the profile's defaults, as a fresh `ncl train` with tuning off does.
   */
  constructor(
    readonly config: TrainConfig,
    samples: readonly TrainingSample[],
    o: MemoryRunOptions = {},
  ) {
    this.data = new TrainingData(samplesInMemory(samples), batchPlanOf(config), o.jpeg);
    let record: DataRecord | null | undefined = o.data;
    this.dataRecord = () => (record === undefined ? (record = memoryDataRecord(samples)) : record);
    startChoices('off');
    this.net = buildNetwork(config).train();
    ({ optimizer: this.optimizer, schedule: this.schedule } = createOptimizer(this.net.parameters(), config));
  }

  /** Optimiser steps completed. */
  get step(): number {
    return this.completed;
  }

  /** Whether the run has done the config's steps. */
  get done(): boolean {
    return this.completed === this.config.steps;
  }

  /** The learning rate the next step takes (the schedule's at the steps done). */
  get lr(): number {
    return this.schedule(this.completed);
  }

  /**
   * Runs the next optimiser step, at the scheduled learning rate, and returns its record (the
   * losses, the learning rate, the gradient norm, the patches, the time), as the trainer logs it.
   * Rejects when the run is done; a step that fails (a non-finite loss or gradient norm —
   * NonFiniteLossError, naming the op, the weights not updated — or a lost device) stops the run:
   * later steps are refused, and `checkpoint()` still gives its last completed step.
   */
  next(): Promise<StepRecord> {
    return this.exclusive(async () => {
      this.checkLive();
      if (this.failure) throw new Error(`the run cannot go on: ${this.failure}`);
      if (this.done) throw new Error(`the run has done its ${this.config.steps} steps`);
      const step = this.completed;
      const following = step + 1;
      const first = this.pending ?? prefetch(this.data, step);
      this.pending = null;
      this.net.train(); // a caller may have put it in eval mode to predict between steps
      try {
        const done = await trainStep(this.net, this.optimizer, this.data, this.config, step, this.schedule(step), first, () => (following < this.config.steps ? prefetch(this.data, following) : null));
        this.pending = done.next;
        this.completed = following;
        return done.record;
      } catch (e) {
        this.failure = `step ${following} failed: ${(e as Error).message}`;
        throw e;
      }
    });
  }

  /**
   * Runs `use` on the network between steps (after the steps already asked for, before any asked
   * for later): a prediction on a validation image puts it in eval mode (`net.eval()`, then
   * ncl/inference.ts); the next step puts it back in training mode.
   */
  between<T>(use: (net: NclNetwork) => T | Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.checkLive();
      return use(this.net);
    });
  }

  /**
   * The chunks of an ncl checkpoint file of the steps completed (after the steps already asked
   * for): the weights, BN statistics and optimiser state, the config, the step, the kernel variants
   * and the data record. Each chunk is a view of an ArrayBuffer (none is shared), so the list is
   * a Blob's parts as it is.
   */
  checkpoint(): Promise<Array<Uint8Array<ArrayBuffer>>> {
    return this.exclusive(async () => {
      this.checkLive();
      return encodeCheckpoint(await captureState(this.net, this.optimizer), this.config, this.completed, this.dataRecord()) as Array<Uint8Array<ArrayBuffer>>;
    });
  }

  /** Releases the network, the optimiser's state and any batch loaded ahead (after the steps already asked for). */
  dispose(): Promise<void> {
    return this.exclusive(() => {
      if (this.disposed) return;
      this.disposed = true;
      discard(this.pending);
      this.pending = null;
      this.optimizer.dispose();
      this.net.dispose();
    });
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('the run was disposed');
  }

  private exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
