// Where a run starts. A fresh run: its config, freshly seeded weights or a PyTorch export's. A
// resumed run: the checkpoint's config with the changes a resume may make (resume-changes.ts),
// checked against this run's data (run-data.ts), the checkpoint's kernel variants pinned, and its
// weights, batch-norm statistics, optimiser moments and step count restored.
import { startChoices } from '../../device.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { Schedule } from '../../optim/schedule.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { importPytorchDeepLab } from '../pytorch-import.ts';
import { buildNetwork } from './checkpoint-codec.ts';
import { readCheckpoint } from './checkpoint.ts';
import type { TrainConfig } from './config.ts';
import { createOptimizer } from './optimizer.ts';
import { resumedConfig } from './resume-changes.ts';
import { checkResumeData, describeTrainingData, type DataRecord } from './run-data.ts';
import type { TrainOptions } from './train-options.ts';

export interface StartingPoint {
  config: TrainConfig;
  /** What the run trains on, as its checkpoints record it. */
  dataRecord: DataRecord;
  net: NclNetwork;
  optimizer: Optimizer;
  schedule: Schedule;
  /** The checkpoint the run continues, and its step (null for a fresh run). */
  resumed: { path: string; step: number } | null;
}

type StartOptions = Pick<TrainOptions, 'config' | 'train' | 'load' | 'resume' | 'resumeChanges' | 'initWeights' | 'tune' | 'freshOptimizer' | 'allowDataChange'>;

export async function startingPoint(o: StartOptions, notice: (text: string) => void): Promise<StartingPoint> {
  const resumed = o.resume ? readCheckpoint(o.resume) : null;
  if (!resumed && !o.config) throw new Error('train: give a config, or a checkpoint to resume');
  const config = resumed ? resumedConfig(resumed.config, resumed.step, o.resumeChanges ?? {}, notice) : o.config!;
  const dataRecord = describeTrainingData(o.train, o.load ?? {});
  if (resumed) {
    checkResumeData(o.resume!, resumed.data, dataRecord, o.allowDataChange ?? false, notice);
    if (resumed.optimizer.size === 0) {
      if (!o.freshOptimizer) throw new Error(`${o.resume} holds no optimiser state (a model file, such as the demo's model.safetensors, keeps the weights only): resuming would restart the optimiser's moments at step ${resumed.step}. Resume from the run's checkpoint.safetensors, or pass --fresh-optimizer to continue with fresh moments`);
      notice(`resuming from ${o.resume} with fresh optimiser moments (--fresh-optimizer): it holds the weights only`);
    }
  }
  try {
    startChoices(o.tune ?? 'off', resumed?.variants);
  } catch (e) {
    throw new Error(`${o.resume}: ${(e as Error).message}; resuming would not reproduce the run (continue it with the version of ncl that wrote it)`);
  }
  const net = buildNetwork(config);
  const paramNames = net.namedParameters().map(([n]) => n);
  const { optimizer, schedule } = createOptimizer(net.parameters(), config);
  if (resumed) {
    net.loadState(resumed.model, { source: o.resume });
    optimizer.loadState(resumed.optimizer, paramNames, resumed.optimizerSteps);
  } else if (o.initWeights) {
    await importPytorchDeepLab(o.initWeights.path, net, { skipHead: o.initWeights.skipHead });
  }
  return { config, dataRecord, net, optimizer, schedule, resumed: resumed ? { path: o.resume!, step: resumed.step } : null };
}
