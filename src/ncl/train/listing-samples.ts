// A dataset on disk as a run's training samples (data.ts's SampleSource): each sample decoded by
// loadSample (sharp) with the run's mask options. A sample whose file fails to decode is dropped
// for the rest of the run (damaged-samples.ts: a warning, or with `strict` an error) and skipped,
// its slot taken by the next sample of the epoch's order. Node only.
import type { DatasetListing } from '../../data/dataset.ts';
import { loadSample, type LoadOptions } from '../../data/loader.ts';
import { DamagedSamples, isDamagedFile } from './damaged-samples.ts';
import type { SampleSource } from './data.ts';

/** The listing's samples; by default the first that fails to decode is fatal (strict). */
export function listingSamples(listing: DatasetListing, load: LoadOptions = {}, damaged = new DamagedSamples(listing.samples.length, { strict: true, onDrop: () => {} })): SampleSource {
  return {
    name: listing.source,
    count: listing.samples.length,
    async load(index, step) {
      if (damaged.has(index)) return null;
      try {
        const { image, mask } = await loadSample(listing.samples[index]!, load);
        return { image, mask };
      } catch (e) {
        if (!isDamagedFile(e)) throw e;
        damaged.drop(index, e, step);
        return null;
      }
    },
  };
}
