// The bytes of a checkpoint: one safetensors file (src/io/safetensors.ts, with its checksum) holding
// the network's parameters and buffers (BN running statistics) under their DeepLabV3+ names, the
// optimiser's state under "optimizer.<param>.<slot>", and in __metadata__ the run's config (JSON),
// seed and step, the kernel variants the run chose per shape class (a resumed run pins them:
// src/runtime/variant-choices.ts) and what it was trained on (run-data.ts: a resume on other data
// is refused). Bytes only, so a browser reads and writes the same files; checkpoint.ts has the files.
import { variantRecord, type VariantRecord } from '../../device.ts';
import { decodeSafetensors, encodeSafetensors, type Digest, type NamedArray } from '../../io/safetensors.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import { NclNetwork } from '../method/model/network.ts';
import { headsFor } from '../method/roles.ts';
import { modelConfigOf, resolveTrainConfig, type TrainConfig, type TrainConfigLayer } from './config.ts';
import type { DataRecord } from './run-data.ts';

export const CHECKPOINT_FORMAT = 'ncl-checkpoint/1';
const OPTIMIZER_PREFIX = 'optimizer.';

export interface Checkpoint {
  config: TrainConfig;
  /** Optimiser steps completed. */
  step: number;
  model: Map<string, NamedArray>;
  optimizer: Map<string, NamedArray>;
  optimizerSteps: number;
  /** Kernel variant per family and shape class ({} for a checkpoint written before they were recorded). */
  variants: VariantRecord;
  /** The training data and mask options (null for a checkpoint written before they were recorded). */
  data: DataRecord | null;
}

/** What a checkpoint holds of a run, read back to the host. */
export interface RunState {
  tensors: Map<string, NamedArray>;
  optimizerSteps: number;
  variants: VariantRecord;
}

/** The network's tensors and the optimiser's state, copied from the device. */
export async function captureState(net: NclNetwork, optimizer: Optimizer | null): Promise<RunState> {
  const tensors = await net.exportState();
  if (optimizer) {
    const names = net.namedParameters().map(([n]) => n);
    for (const [name, value] of await optimizer.exportState(names)) tensors.set(OPTIMIZER_PREFIX + name, value);
  }
  return { tensors, optimizerSteps: optimizer?.stepCount ?? 0, variants: variantRecord() };
}

/** A captured state as the checkpoint of `step`: the chunks of its file. */
export function encodeCheckpoint(state: RunState, config: TrainConfig, step: number, data: DataRecord | null = null, digest?: Digest): Uint8Array[] {
  return encodeSafetensors(state.tensors, {
    ...(data ? { 'ncl.data': JSON.stringify(data) } : {}),
    'ncl.format': CHECKPOINT_FORMAT,
    'ncl.config': JSON.stringify(config),
    'ncl.seed': String(config.seed),
    'ncl.step': String(step),
    'ncl.optimizer.steps': String(state.optimizerSteps),
    'ncl.variants': JSON.stringify(state.variants),
  }, digest);
}

/** The checkpoint in a file's bytes; `path` names the file in errors. */
export function decodeCheckpoint(bytes: Uint8Array, path: string, digest?: Digest): Checkpoint {
  const file = decodeSafetensors(bytes, path, digest);
  const format = file.metadata['ncl.format'];
  if (format !== CHECKPOINT_FORMAT) {
    throw new Error(`${path} is not an ncl checkpoint (format ${format === undefined ? 'missing' : `'${format}'`}, expected '${CHECKPOINT_FORMAT}'); for PyTorch DeepLabV3+ weights see docs/training.md`);
  }
  let config: TrainConfig;
  try {
    // Fields added to the config after the checkpoint was written take their defaults.
    config = resolveTrainConfig(JSON.parse(file.metadata['ncl.config'] ?? '') as TrainConfigLayer);
  } catch (e) {
    throw new Error(`${path}: the stored training config is unusable: ${(e as Error).message}`);
  }
  let variants: VariantRecord;
  try {
    variants = JSON.parse(file.metadata['ncl.variants'] ?? '{}') as VariantRecord;
  } catch (e) {
    throw new Error(`${path}: the stored kernel variants (ncl.variants) are unreadable: ${(e as Error).message}`);
  }
  let data: DataRecord | null;
  try {
    data = file.metadata['ncl.data'] ? (JSON.parse(file.metadata['ncl.data']) as DataRecord) : null;
  } catch (e) {
    throw new Error(`${path}: the stored training data record (ncl.data) is unreadable: ${(e as Error).message}`);
  }
  const model = new Map<string, NamedArray>();
  const optimizer = new Map<string, NamedArray>();
  for (const [name, value] of file.tensors) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizer.set(name.slice(OPTIMIZER_PREFIX.length), value);
    else model.set(name, value);
  }
  return { config, step: Number(file.metadata['ncl.step'] ?? 0), model, optimizer, optimizerSteps: Number(file.metadata['ncl.optimizer.steps'] ?? 0), variants, data };
}

/** The network a config describes (heads as its role switch needs, the contour head when λ_ct > 0), with freshly seeded weights. */
export function buildNetwork(config: TrainConfig): NclNetwork {
  return new NclNetwork(modelConfigOf(config), headsFor(config.ncl.roleSwitch), config.seed, config.ncl.lambdaContour > 0);
}

/** A network with a checkpoint's weights, in eval mode; `source` names the checkpoint in errors. */
export function networkFromCheckpoint(checkpoint: Checkpoint, source: string): NclNetwork {
  const net = buildNetwork(checkpoint.config);
  net.loadState(checkpoint.model, { source });
  return net.eval();
}
