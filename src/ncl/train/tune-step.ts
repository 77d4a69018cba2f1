// `ncl tune`'s work: the kernel shape classes one training step of a config uses — found by
// recording a forward and backward pass on a batch of the synthetic set, every class then waiting
// to be timed anew — and the tuning of each (src/runtime/tuner.ts), whose winners go to the cache.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backward } from '../../autograd/backward.ts';
import { tidy } from '../../autograd/scope.ts';
import { Rng } from '../../common/rng.ts';
import { openDataset } from '../../data/dataset.ts';
import { generateSyntheticSet } from '../../data/synth/generate.ts';
import { startChoices, tunePending, type TunedClass } from '../../device.ts';
import { nclStepLosses, planPatches } from '../method/step.ts';
import { buildNetwork } from './checkpoint-codec.ts';
import { modelConfigOf, type TrainConfig } from './config.ts';
import { TrainingData } from './data.ts';
import { listingSamples } from './listing-samples.ts';

export interface TuneResult {
  rows: TunedClass[];
  /** Wall clock, in ms, of the synthetic batch and the recorded step, and of the tuning. */
  stepMs: number;
  tuneMs: number;
}

/** Tunes the classes of one training step of `config` on the open device. */
export async function tuneTrainingStep(config: TrainConfig, o: { repeat?: number; onClass?: (row: TunedClass) => void } = {}): Promise<TuneResult> {
  const size = modelConfigOf(config).inputSize;
  const dir = await mkdtemp(join(tmpdir(), 'ncl-tune-'));
  try {
    const t0 = performance.now();
    await generateSyntheticSet({ out: dir, count: Math.max(10, 2 * config.batchSize), size, seed: 0, testShare: 0.1 });
    const data = new TrainingData(listingSamples(await openDataset(join(dir, 'train.json'))), { seed: 0, batchSize: config.batchSize, accumulate: 1, inputSize: size, augment: 'none' });
    const batch = await data.batch(0, 0);
    const plan = planPatches(batch, modelConfigOf(config).embedDim, config.ncl, Rng.fromSeed(0));
    const net = buildNetwork(config).train();
    startChoices('all');
    const loss = tidy(() => {
      const total = nclStepLosses(net, batch, config.ncl, 0, plan).total;
      backward(total);
      return total;
    });
    await loss.data();
    for (const t of [loss, batch.images]) t.dispose();
    plan?.sample.index.dispose();
    net.dispose();
    const t1 = performance.now();
    const rows = await tunePending(o);
    return { rows, stepMs: t1 - t0, tuneMs: performance.now() - t1 };
  } finally {
    startChoices('off');
    await rm(dir, { recursive: true, force: true });
  }
}
