// One NCL training step's losses (docs/method.md §3–§5), in two parts:
// - planPatches (async, before the forward pass): the patch grid of the batch, each patch's kind
//   from the masks (on the device, read back), and the sample that enters the contrastive loss;
// - nclStepLosses: forward the batch, pool each branch's embeddings over the patches, keep the
//   sampled rows, apply this step's role switch, and combine L_seg, the contrastive terms and L_pc.
// The caller runs backward and the optimiser.
import { gatherRows } from '../../autograd/ops/gather.ts';
import { tidy } from '../../autograd/scope.ts';
import { Tensor } from '../../autograd/tensor.ts';
import type { Rng } from '../../common/rng.ts';
import { contrastiveLoss } from './contrastive.ts';
import { pivotConsistentLoss, segmentationLoss, totalLoss, type LossTerms } from './losses.ts';
import { EMBEDDING_STRIDE } from './model/config.ts';
import type { Branch, NclNetwork } from './model/network.ts';
import type { NclOptions } from './options.ts';
import { PATCH_CONTOUR, patchGrid, patchLabels, poolPatchEmbeddings, type PatchGrid } from './patch-pool.ts';
import { samplePatches, type PatchSample } from './patches.ts';
import { branchLabels, contrastiveTerms } from './roles.ts';

export interface TrainingBatch {
  /** [B, 3, S, S], normalised. */
  images: Tensor;
  /** B × S × S ground-truth masks, 0/1. */
  masks: Uint8Array;
}

export interface PatchPlan {
  grid: PatchGrid;
  sample: PatchSample;
}

/** The patches of a batch that enter the contrastive terms (null when the mode has none). */
export async function planPatches(batch: TrainingBatch, embedDim: number, options: NclOptions, rng: Rng): Promise<PatchPlan | null> {
  if (options.roleSwitch === 'off') return null;
  const [b, , h, w] = batch.images.shape as [number, number, number, number];
  const grid = patchGrid([b, embedDim, h / EMBEDDING_STRIDE, w / EMBEDDING_STRIDE], [h, w], options.patchSize);
  const kindTensor = tidy(() => patchLabels(Tensor.fromArray(Float32Array.from(batch.masks), [b, 1, h, w]), grid, options.epsilon).kind);
  const kinds = await kindTensor.values();
  kindTensor.dispose();
  return { grid, sample: samplePatches(kinds, rng, { maxPatches: options.maxPatches }) };
}

export interface StepLosses extends LossTerms {
  total: Tensor;
  /** Patches sampled for the contrastive terms, and how many were contour patches. */
  patches: number;
  contourPatches: number;
}

export function nclStepLosses(net: NclNetwork, batch: TrainingBatch, options: NclOptions, step: number, plan: PatchPlan | null): StepLosses {
  const out = net.forward(batch.images);
  const seg = segmentationLoss(out.logits, batch.masks, options.segTamperedWeight);
  const terms = contrastiveTerms(options.roleSwitch, step);
  if (terms.length === 0 || !plan) return { seg, con: [], pc: null, total: seg, patches: 0, contourPatches: 0 };

  const kinds = plan.sample.kinds;
  const sampled: Partial<Record<Branch, Tensor>> = {};
  for (const head of new Set(terms.map((t) => t.head))) sampled[head] = gatherRows(poolPatchEmbeddings(out.embeddings[head]!, plan.grid), plan.sample.index);
  const con = terms.map((t) => contrastiveLoss(sampled[t.head]!, branchLabels(kinds, t.contour), { tau: options.tau, fused: options.fused }));
  const pc = options.roleSwitch === 'dual' ? pivotConsistentLoss(sampled.t!, sampled.a!) : null;
  const losses = { seg, con, pc };
  return {
    ...losses,
    total: totalLoss(losses, options.lambdaCon, options.lambdaPc),
    patches: plan.sample.rows.length,
    contourPatches: plan.sample.kinds.filter((k) => k === PATCH_CONTOUR).length,
  };
}
