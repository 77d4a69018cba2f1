// Everything that defines a training run, as one JSON-serialisable object: the model preset and
// overrides, the method's options (../options.ts), the optimiser and schedule, batches, seed and
// the cadence of evaluation and checkpoints. A checkpoint stores it, so `--resume` and `ncl eval`
// rebuild the same network and run. A config file (--config, config-file.ts) holds any subset of these fields.
import { checkModelConfig, isPresetName, modelConfig, PRESETS, type ModelConfig, type PresetName } from '../method/model/config.ts';
import { checkNclOptions, DEFAULT_NCL_OPTIONS, type NclOptions } from '../method/options.ts';
import { AUGMENTATIONS, type Augmentation } from '../../data/augmentation-names.ts';

/**
 * Optimisers of the protocol (docs/method.md §7):
 * - `adamw`: AdamW with cosine LR and linear warm-up (IMDL-BenCo's default):
 *     lr(t) = base·(t+1)/warmup for t < warmup, then min + (base − min)·½(1 + cos(π·(t − warmup)/(T − warmup)))
 * - `sgd`: SGD with momentum 0.9, weight decay 5e-4, poly LR (the DeepLab code base):
 *     lr(t) = base·(1 − t/T)^0.9
 */
export type OptimizerKind = 'adamw' | 'sgd';

/** Learning rate and weight decay when the config leaves them null: AdamW as in IMDL-BenCo-style
 *  training, SGD as in the DeepLab code base (docs/method.md §7). */
export const OPTIMIZER_DEFAULTS: Record<OptimizerKind, { lr: number; weightDecay: number }> = {
  adamw: { lr: 1e-3, weightDecay: 0.05 },
  sgd: { lr: 0.01, weightDecay: 5e-4 },
};

export interface TrainConfig {
  preset: PresetName;
  /** Fields of the preset replaced (e.g. inputSize). */
  model: Partial<ModelConfig>;
  ncl: NclOptions;
  optimizer: OptimizerKind;
  /** Base learning rate; null: the optimiser's default (OPTIMIZER_DEFAULTS). */
  lr: number | null;
  /** AdamW: decoupled decay; SGD: L2 penalty; null: the optimiser's default. */
  weightDecay: number | null;
  /** Optimiser steps T. */
  steps: number;
  /** Linear warm-up steps of the cosine schedule (AdamW only); null: 5 % of the steps, at most 50
   *  (warmupOf). */
  warmupSteps: number | null;
  /** Images per micro-batch. */
  batchSize: number;
  /** Micro-batches whose gradients are summed (each loss scaled by 1/accumulate) per optimiser step. */
  accumulate: number;
  /** Clip gradients to this global L2 norm (0 = off). */
  maxGradNorm: number;
  /** Training-time augmentation: full, geometric or none (src/data/augment.ts, Augmentation). */
  augment: Augmentation;
  seed: number;
  /** Evaluate on the validation set every this many steps (0 = only at the end). */
  evalEvery: number;
  /** Write a checkpoint every this many steps (0 = only at the end and on Ctrl-C). */
  checkpointEvery: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  preset: 'tiny',
  model: {},
  ncl: DEFAULT_NCL_OPTIONS,
  optimizer: 'adamw',
  lr: null,
  weightDecay: null,
  steps: 1000,
  warmupSteps: null,
  batchSize: 8,
  accumulate: 1,
  maxGradNorm: 0,
  augment: 'geometric',
  seed: 0,
  evalEvery: 0,
  checkpointEvery: 100,
};

/** Some fields of a config, e.g. a config file's or the command line's. */
export type TrainConfigLayer = Omit<Partial<TrainConfig>, 'ncl'> & { ncl?: Partial<NclOptions> };

/** The layers merged in order, later fields winning (nested model and ncl fields merge). */
export function mergeLayers(layers: TrainConfigLayer[]): TrainConfigLayer {
  return layers.reduce<TrainConfigLayer>((c, layer) => ({ ...c, ...layer, model: { ...c.model, ...layer.model }, ncl: { ...c.ncl, ...layer.ncl } }), {});
}

/** Defaults, then a config file's fields, then explicit overrides (command-line options). */
export function resolveTrainConfig(...layers: TrainConfigLayer[]): TrainConfig {
  const c = mergeLayers([structuredClone(DEFAULT_TRAIN_CONFIG), ...layers.map(namedAugmentation)]) as TrainConfig;
  checkTrainConfig(c);
  return c;
}

/** Configs written before augmentation had names (checkpoints among them) say true or false: the
 *  full augmentation of then, or none. */
function namedAugmentation(layer: TrainConfigLayer): TrainConfigLayer {
  const augment: unknown = layer.augment;
  return typeof augment === 'boolean' ? { ...layer, augment: augment ? 'full' : 'none' } : layer;
}

export function checkTrainConfig(c: TrainConfig): void {
  const fail = (why: string): never => {
    throw new Error(`training option ${why}`);
  };
  if (!isPresetName(c.preset)) fail(`preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${c.preset}'`);
  checkModelConfig(modelConfigOf(c));
  checkNclOptions(c.ncl);
  if (!AUGMENTATIONS.includes(c.augment)) fail(`augment must be one of ${AUGMENTATIONS.join(', ')}, got '${c.augment}'`);
  if (c.optimizer !== 'adamw' && c.optimizer !== 'sgd') fail(`optimizer must be 'adamw' or 'sgd', got '${c.optimizer}'`);
  if (c.lr !== null && !(c.lr > 0)) fail(`lr must be > 0, got ${c.lr}`);
  if (c.weightDecay !== null && !(c.weightDecay >= 0)) fail(`weightDecay must be ≥ 0, got ${c.weightDecay}`);
  const counts: Array<[string, number, number]> = [
    ['steps', c.steps, 1],
    ['batchSize', c.batchSize, 2],
    ['accumulate', c.accumulate, 1],
    ['evalEvery', c.evalEvery, 0],
    ['checkpointEvery', c.checkpointEvery, 0],
    ['seed', c.seed, 0],
  ];
  if (c.warmupSteps !== null) counts.push(['warmupSteps', c.warmupSteps, 0]);
  for (const [name, v, min] of counts) if (!Number.isInteger(v) || v < min) fail(`${name} must be an integer ≥ ${min}, got ${v}`);
  if (c.optimizer === 'adamw' && warmupOf(c) >= c.steps) fail(`warmupSteps (${c.warmupSteps}) must be smaller than steps (${c.steps}); lower --warmup, or leave it out for 5 % of the steps`);
  if (!(c.maxGradNorm >= 0)) fail(`maxGradNorm must be ≥ 0, got ${c.maxGradNorm}`);
}

/** The warm-up steps a run uses: the config's, or 5 % of the steps (at most 50). */
export function warmupOf(c: TrainConfig): number {
  return c.warmupSteps ?? Math.min(50, Math.floor(0.05 * c.steps));
}

/** The learning rate and weight decay a run uses: the config's, or the optimiser's defaults. */
export function optimizerSettings(c: TrainConfig): { lr: number; weightDecay: number } {
  const d = OPTIMIZER_DEFAULTS[c.optimizer];
  return { lr: c.lr ?? d.lr, weightDecay: c.weightDecay ?? d.weightDecay };
}

export function modelConfigOf(c: TrainConfig): ModelConfig {
  return modelConfig(c.preset, c.model);
}
