// Training batches, as a pure function of (seed, step, micro-batch): the epoch's order is a seeded
// shuffle of the samples, and each image's augmentation draws from a generator keyed by its
// position in the run. So a run resumed at step s sees exactly the batches it would have seen.
// A sample whose file fails to decode is dropped (damaged-samples.ts) and its slot takes the next
// sample of the epoch's order that loads.
import { augment, AUGMENT_SETTINGS } from '../../data/augment.ts';
import type { Augmentation } from '../../data/augmentation-names.ts';
import type { DatasetListing } from '../../data/dataset.ts';
import { loadSample, type LoadOptions } from '../../data/loader.ts';
import { Rng } from '../../common/rng.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { normaliseInto, resizeImage, resizeMask } from '../preprocess.ts';
import type { TrainingBatch } from '../method/step.ts';
import { DamagedSamples, isDamagedFile } from './damaged-samples.ts';
import { STREAM } from './streams.ts';

export interface BatchPlan {
  seed: number;
  batchSize: number;
  accumulate: number;
  inputSize: number;
  augment: Augmentation;
}

export class TrainingData {
  private orders = new Map<number, number[]>();

  constructor(
    readonly listing: DatasetListing,
    private readonly plan: BatchPlan,
    private readonly load: LoadOptions = {},
    readonly damaged = new DamagedSamples(listing.samples.length, { strict: true, onDrop: () => {} }),
  ) {
    if (listing.samples.length === 0) throw new Error(`training set ${listing.source} has no samples`);
  }

  /** Sample indices of micro-batch `micro` of optimiser step `step`. */
  indices(step: number, micro: number): number[] {
    const { batchSize: b, accumulate } = this.plan;
    const n = this.listing.samples.length;
    const first = (step * accumulate + micro) * b;
    return Array.from({ length: b }, (_, k) => {
      const position = first + k;
      return this.order(Math.floor(position / n))[position % n]!;
    });
  }

  private order(epoch: number): number[] {
    let o = this.orders.get(epoch);
    if (!o) {
      o = Rng.fromSeed(this.plan.seed, STREAM.order, epoch).shuffle(this.listing.samples.map((_, i) => i));
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
      if (this.plan.augment !== 'none') pair = await augment(pair, Rng.fromSeed(this.plan.seed, STREAM.augment, step, micro, k), { size, ...AUGMENT_SETTINGS[this.plan.augment] });
      else pair = { image: resizeImage(pair.image, size, size), mask: resizeMask(pair.mask, size) };
      normaliseInto(pair.image, images, k * 3 * size * size);
      masks.set(pair.mask.data, k * size * size);
    }
    return { images: Tensor.fromArray(images, [ids.length, 3, size, size]), masks };
  }

  /** The sample at `position` of the run's order, or the next one in its epoch's order that loads. */
  private async loadAt(position: number, step: number) {
    const n = this.listing.samples.length;
    const order = this.order(Math.floor(position / n));
    for (let j = 0; j < n; j++) {
      const index = order[(position + j) % n]!;
      if (this.damaged.has(index)) continue;
      try {
        return await loadSample(this.listing.samples[index]!, this.load);
      } catch (e) {
        if (!isDamagedFile(e)) throw e;
        this.damaged.drop(index, e, step);
      }
    }
    throw new Error(`no sample of ${this.listing.source} could be decoded`);
  }
}
