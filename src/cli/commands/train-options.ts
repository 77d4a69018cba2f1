// Command-line options that set training config fields (src/ncl/train/config.ts documents each),
// shared by `ncl train`, `ncl demo` and `ncl ablate`.
import { Option, type Command } from 'commander';
import { parseNumber } from './parse-number.ts';
import { ANCHOR_BALANCES, DEFAULT_NCL_OPTIONS, PIVOT_CONSISTENCIES, CONSISTENCY_TARGETS, type NclOptions } from '../../ncl/method/options.ts';
import { ROLE_SWITCHES } from '../../ncl/method/roles.ts';
import { DEFAULT_TRAIN_CONFIG, OPTIMIZER_DEFAULTS, type TrainConfig, type TrainConfigLayer } from '../../ncl/train/config.ts';
import { AUGMENTATIONS } from '../../data/augmentation-names.ts';

const D = DEFAULT_TRAIN_CONFIG;
const N = DEFAULT_NCL_OPTIONS;

export interface TrainCliOptions {
  config?: string;
  preset?: string;
  inputSize?: number;
  steps?: number;
  batchSize?: number;
  accumulate?: number;
  optimizer?: string;
  lr?: number;
  weightDecay?: number;
  warmup?: number;
  maxGradNorm?: number;
  seed?: number;
  augment?: string | false;
  evalEvery?: number;
  checkpointEvery?: number;
  roleSwitch?: string;
  switchEvery?: number;
  anchorBalance?: string;
  pivotConsistency?: string;
  consistencyTarget?: string;
  lambdaCon?: number;
  lambdaPc?: number;
  lambdaContour?: number;
  tau?: number;
  patchSize?: number;
  epsilon?: number;
  maxPatches?: number;
  unfused?: boolean;
  segTamperedWeight?: number;
}

export function addTrainOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON file with any training config fields (command-line options win)')
    .addOption(new Option('--preset <name>', `network preset (default ${D.preset})`).choices(['tiny', 'paper']))
    .option('--input-size <px>', 'square input side of the network (multiple of 16; default: the preset\'s)', parseNumber('--input-size', true))
    .option('--steps <n>', `optimiser steps (default ${D.steps})`, parseNumber('--steps', true))
    .option('--batch-size <n>', `images per micro-batch, ≥ 2 (default ${D.batchSize})`, parseNumber('--batch-size', true))
    .option('--accumulate <n>', `micro-batches per optimiser step, gradient accumulation (default ${D.accumulate})`, parseNumber('--accumulate', true))
    .addOption(new Option('--optimizer <name>', `adamw (cosine LR, warm-up) or sgd (momentum 0.9, poly LR) (default ${D.optimizer})`).choices(['adamw', 'sgd']))
    .option('--lr <x>', `base learning rate (default: AdamW ${OPTIMIZER_DEFAULTS.adamw.lr}, SGD ${OPTIMIZER_DEFAULTS.sgd.lr})`, parseNumber('--lr'))
    .option('--weight-decay <x>', `weight decay (default: AdamW ${OPTIMIZER_DEFAULTS.adamw.weightDecay}, SGD ${OPTIMIZER_DEFAULTS.sgd.weightDecay})`, parseNumber('--weight-decay'))
    .option('--warmup <n>', 'warm-up steps of the cosine schedule (default: 5 % of the steps, at most 50)', parseNumber('--warmup', true, 0))
    .option('--max-grad-norm <x>', `clip gradients to this global norm, 0 = off (default ${D.maxGradNorm})`, parseNumber('--max-grad-norm'))
    .option('--seed <n>', `seed of initialisation, data order, augmentation, sampling and dropout (default ${D.seed})`, parseNumber('--seed', true))
    .addOption(new Option('--augment <how>', `training-time augmentation: full (flips, quarter turns, zoom 1–1.5×, JPEG, blur, noise), geometric (flips, quarter turns, crops; nothing resampled or re-compressed) or none (default ${D.augment})`).choices(AUGMENTATIONS))
    .option('--no-augment', 'train without augmentation (resize only), as --augment none')
    .option('--eval-every <n>', `evaluate on --val every n steps, 0 = at the end only (default ${D.evalEvery})`, parseNumber('--eval-every', true))
    .option('--checkpoint-every <n>', `write the checkpoint every n steps, 0 = at the end and on Ctrl-C (default ${D.checkpointEvery})`, parseNumber('--checkpoint-every', true))
    .addOption(new Option('--role-switch <mode>', `contour patches: ${ROLE_SWITCHES.join(', ')} (docs/method.md §4; default ${N.roleSwitch})`).choices(ROLE_SWITCHES))
    .option('--switch-every <n>', `steps between exchanges of the contour roles in switch mode (default ${N.switchEvery})`, parseNumber('--switch-every', true))
    .addOption(new Option('--anchor-balance <how>', `patch kinds in the contrastive terms: weight (each kind the same total weight) or sample (the same count of each) (docs/method.md §3; default ${N.anchorBalance})`).choices(ANCHOR_BALANCES))
    .addOption(new Option('--pivot-consistency <rows>', `patches L_pc holds together: non-contour or all (docs/method.md §5; default ${N.pivotConsistency})`).choices(PIVOT_CONSISTENCIES))
    .addOption(new Option('--consistency-target <to>', `what L_pc holds each head to: other-head or pivot (a fixed projection of the pivot's patch feature, no gradient) (docs/method.md §5; default ${N.consistencyTarget})`).choices(CONSISTENCY_TARGETS))
    .option('--lambda-con <x>', `λ_con, weight of the contrastive terms (default ${N.lambdaCon})`, parseNumber('--lambda-con'))
    .option('--lambda-pc <x>', `λ_pc, weight of the pivot-consistent loss in the two-head modes (default ${N.lambdaPc})`, parseNumber('--lambda-pc'))
    .option('--lambda-contour <x>', `λ_ct, weight of the auxiliary contour loss on a contour head, 0 = no contour head (docs/method.md §5; default ${N.lambdaContour})`, parseNumber('--lambda-contour'))
    .option('--tau <x>', `τ, contrastive temperature (default ${N.tau})`, parseNumber('--tau'))
    .option('--patch-size <px>', `patch side in input pixels, a multiple of 4 (default ${N.patchSize})`, parseNumber('--patch-size', true))
    .option('--epsilon <x>', `ε of the patch labels (default ${N.epsilon})`, parseNumber('--epsilon'))
    .option('--max-patches <n>', `patches per batch in the contrastive loss (default ${N.maxPatches})`, parseNumber('--max-patches', true))
    .option('--unfused', 'use the unfused reference contrastive loss instead of the fused kernel')
    .option('--seg-tampered-weight <w>', `weight of tampered pixels in L_seg, 1 = plain cross-entropy as the paper (default ${N.segTamperedWeight})`, parseNumber('--seg-tampered-weight'));
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The config fields the options set (only those given). */
export function configFromCli(o: TrainCliOptions): TrainConfigLayer {
  return {
    ...defined({
      preset: o.preset as TrainConfig['preset'] | undefined,
      steps: o.steps,
      batchSize: o.batchSize,
      accumulate: o.accumulate,
      optimizer: o.optimizer as TrainConfig['optimizer'] | undefined,
      lr: o.lr,
      weightDecay: o.weightDecay,
      warmupSteps: o.warmup,
      maxGradNorm: o.maxGradNorm,
      seed: o.seed,
      augment: o.augment === false ? 'none' : (o.augment as TrainConfig['augment'] | undefined),
      evalEvery: o.evalEvery,
      checkpointEvery: o.checkpointEvery,
    }),
    ...(o.inputSize !== undefined ? { model: { inputSize: o.inputSize } } : {}),
    ncl: defined({
      roleSwitch: o.roleSwitch as NclOptions['roleSwitch'] | undefined,
      switchEvery: o.switchEvery,
      anchorBalance: o.anchorBalance as NclOptions['anchorBalance'] | undefined,
      pivotConsistency: o.pivotConsistency as NclOptions['pivotConsistency'] | undefined,
      consistencyTarget: o.consistencyTarget as NclOptions['consistencyTarget'] | undefined,
      lambdaCon: o.lambdaCon,
      lambdaPc: o.lambdaPc,
      lambdaContour: o.lambdaContour,
      tau: o.tau,
      patchSize: o.patchSize,
      epsilon: o.epsilon,
      maxPatches: o.maxPatches,
      fused: o.unfused ? false : undefined,
      segTamperedWeight: o.segTamperedWeight,
    }),
  };
}
