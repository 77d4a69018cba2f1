// Training batches, as a pure function of (seed, step, micro-batch): the epoch's order is a seeded
// shuffle of the samples, and each image's augmentation draws from a generator keyed by its
// position in the run. So a run resumed at step s sees exactly the batches it would have seen.
// The samples come from a `SampleSource`: a dataset on disk (listing-samples.ts, Node: a sample
// whose file fails to decode is dropped by damaged-samples.ts) or samples held in memory
// (`samplesInMemory`, the browser page's run: memory-run.ts). A sample the source skips gives its
// slot to the next sample of the epoch's order that loads.
import { augment, AUGMENT_SETTINGS } from '../../data/augment.ts';
import type { Augmentation } from '../../data/augmentation-names.ts';
import type { Mask, RgbImage } from '../../data/image.ts';
import type { JpegCodec } from '../../data/jpeg-codec.ts';
import { Rng } from '../../common/rng.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { normaliseInto, resizeImage, resizeMask } from '../preprocess.ts';
import type { TrainingBatch } from '../method/step.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import { STREAM } from './streams.ts';

export interface BatchPlan {
  seed: number;
  batchSize: number;
  accumulate: number;
  inputSize: number;
  augment: Augmentation;
}

/** A training run's batches, as its config gives them. */
export function batchPlanOf(config: TrainConfig): BatchPlan {
  return { seed: config.seed, batchSize: config.batchSize, accumulate: config.accumulate, inputSize: modelConfigOf(config).inputSize, augment: config.augment };
}

/** A training sample at its own size: an RGB image and its 0/1 mask of the same size. */
export interface TrainingSample {
  image: RgbImage;
  mask: Mask;
}

/** A run's training samples: `count` of them, each loaded by its index. */
export interface SampleSource {
  /** The set, in messages: a dataset's listing, or the samples held in memory. */
  readonly name: string;
  readonly count: number;
  /** Sample `index` (not modified by the run), or null to skip it (a damaged file dropped for the
   *  rest of the run); `step` is the optimiser step being loaded (0-based). */
  load(index: number, step: number): Promise<TrainingSample | null>;
}

/** Samples held in memory as a source (the browser page's run). */
export function samplesInMemory(samples: readonly TrainingSample[], name = `${samples.length} samples held in memory`): SampleSource {
  for (const [i, s] of samples.entries()) {
    if (s.image.width !== s.mask.width || s.image.height !== s.mask.height) throw new Error(`sample ${i}: its image is ${s.image.width}×${s.image.height} but its mask ${s.mask.width}×${s.mask.height}`);
    if (s.mask.data.some((v) => v > 1)) throw new Error(`sample ${i}: its mask holds values other than 0 and 1 (1 marks a manipulated pixel)`);
  }
  return { name, count: samples.length, load: (index) => Promise.resolve(samples[index]!) };
}

export class TrainingData {
  private orders = new Map<number, number[]>();

  constructor(
    readonly source: SampleSource,
    private readonly plan: BatchPlan,
    /** The augmentation's JPEG re-compression (needed when it has that step: 'full'). */
    private readonly jpeg?: JpegCodec,
  ) {
    if (source.count === 0) throw new Error(`training set ${source.name} has no samples`);
    if (plan.augment !== 'none' && AUGMENT_SETTINGS[plan.augment].jpeg.probability > 0 && !jpeg) throw new Error(`augmentation '${plan.augment}' re-compresses with JPEG: the training data needs a JPEG codec (data/jpeg-codec.ts)`);
  }

  /** Sample indices of micro-batch `micro` of optimiser step `step`. */
  indices(step: number, micro: number): number[] {
    const { batchSize: b, accumulate } = this.plan;
    const n = this.source.count;
    const first = (step * accumulate + micro) * b;
    return Array.from({ length: b }, (_, k) => {
      const position = first + k;
      return this.order(Math.floor(position / n))[position % n]!;
    });
  }

  private order(epoch: number): number[] {
    let o = this.orders.get(epoch);
    if (!o) {
      o = Rng.fromSeed(this.plan.seed, STREAM.order, epoch).shuffle(Array.from({ length: this.source.count }, (_, i) => i));
      this.orders.clear(); // only the current epoch is ever needed again
      this.orders.set(epoch, o);
    }
    return o;
  }

  async batch(step: number, micro: number): Promise<TrainingBatch> {
    const size = this.plan.inputSize;
    const ids = this.indices(step, micro);
    const images = new Float32Array(ids.length * 3 * size * size);
    const masks = new Uint8Array(ids.length * size * size);
    const first = (step * this.plan.accumulate + micro) * this.plan.batchSize;
    for (let k = 0; k < ids.length; k++) {
      const loaded = await this.loadAt(first + k, step);
      let pair = { image: loaded.image, mask: loaded.mask };
      if (this.plan.augment !== 'none') pair = await augment(pair, Rng.fromSeed(this.plan.seed, STREAM.augment, step, micro, k), { size, ...AUGMENT_SETTINGS[this.plan.augment] }, this.jpeg);
      else pair = { image: resizeImage(pair.image, size, size), mask: resizeMask(pair.mask, size) };
      normaliseInto(pair.image, images, k * 3 * size * size);
      masks.set(pair.mask.data, k * size * size);
    }
    return { images: Tensor.fromArray(images, [ids.length, 3, size, size]), masks };
  }

  /** The sample at `position` of the run's order, or the next one in its epoch's order that loads. */
  private async loadAt(position: number, step: number): Promise<TrainingSample> {
    const n = this.source.count;
    const order = this.order(Math.floor(position / n));
    for (let j = 0; j < n; j++) {
      const loaded = await this.source.load(order[(position + j) % n]!, step);
      if (loaded) return loaded;
    }
    throw new Error(`no sample of ${this.source.name} could be decoded`);
  }
}
