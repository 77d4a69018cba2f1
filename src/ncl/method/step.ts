// One NCL training step's losses (docs/method.md §3–§5), in two parts:
// - planPatches (before the forward pass, on the host): the patch grid of the batch, each patch's
//   kind from the masks, and the sample that enters the contrastive loss;
// - nclStepLosses: forward the batch, pool each branch's embeddings over the patches, keep the
//   sampled rows, apply this step's role switch, and combine L_seg, the contrastive terms (each
//   anchor weighted by its kind, §3), L_pc and, with a contour head, L_ct; with each contrastive
//   term come its labels, from which the caller may compute its reference values.
// The caller runs backward and the optimiser.
//
// The method's files, in reading order: options.ts (the options and their defaults), model/ (the
// network), patch-grid.ts (which patches a batch has), patch-labels.ts (the kind of each),
// patches.ts (the sample of a step), roles.ts (contour patches in each contrastive term),
// contrastive-plan.ts, contrastive.ts and contrastive-unfused.ts (L_con), pivot-anchor.ts and
// losses.ts (L_seg, L_pc, L), contour.ts (L_ct), this file (the step). The device-facing ops they
// call (patch pooling, the fused contrastive op, τ) are in src/ncl/ops/.
import { gatherRows } from '../../autograd/ops/gather.ts';
import { Tensor } from '../../autograd/tensor.ts';
import type { Rng } from '../../common/rng.ts';
import { poolPatchEmbeddings, type PatchGrid } from '../ops/patch-pool.ts';
import { contrastiveLoss } from './contrastive.ts';
import { contourLoss } from './contour.ts';
import { pivotAnchoredLoss, pivotConsistentLoss, segmentationLoss, totalLoss, type LossTerms } from './losses.ts';
import type { Branch, NclNetwork } from './model/network.ts';
import type { NclOptions } from './options.ts';
import { inputPatchGrid } from './patch-grid.ts';
import { PATCH_CONTOUR, patchLabels } from './patch-labels.ts';
import { pivotAnchors } from './pivot-anchor.ts';
import { samplePatches, type PatchSample } from './patches.ts';
import { branchLabels, contrastiveTerms, hasTwoHeads } from './roles.ts';

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
export function planPatches(batch: TrainingBatch, embedDim: number, options: NclOptions, rng: Rng): PatchPlan | null {
  if (options.roleSwitch === 'off') return null;
  const [b, , h, w] = batch.images.shape as [number, number, number, number];
  const grid = inputPatchGrid(b, embedDim, [h, w], options.patchSize);
  const kinds = patchLabels(batch.masks, grid, options.epsilon).kind;
  const contour = options.roleSwitch === 'drop' ? { contourCap: 0 } : {};
  return { grid, sample: samplePatches(kinds, rng, { maxPatches: options.maxPatches, balance: options.anchorBalance, ...contour }) };
}

export interface StepLosses extends LossTerms {
  total: Tensor;
  /** The class ids of the sampled patches in each contrastive term, as `con`, and the anchor
   *  weights the terms share (empty without a term): what each term's reference values are
   *  computed from (src/ncl/diagnostics/contrastive-bounds.ts). */
  conLabels: Int32Array[];
  anchorWeights: Float32Array;
  /** Patches sampled for the contrastive terms, and how many were contour patches. */
  patches: number;
  contourPatches: number;
}

/** L_pc in the form options.consistencyTarget chooses: the heads held to each other (5.7) or each to the pivot's anchors (5.7b). */
function consistency(zT: Tensor, zA: Tensor, held: boolean[] | undefined, options: NclOptions, anchors: () => Tensor): Tensor {
  return options.consistencyTarget === 'pivot' ? pivotAnchoredLoss([zT, zA], anchors(), held) : pivotConsistentLoss(zT, zA, held);
}

export function nclStepLosses(net: NclNetwork, batch: TrainingBatch, options: NclOptions, step: number, plan: PatchPlan | null): StepLosses {
  const out = net.forward(batch.images);
  const seg = segmentationLoss(out.logits, batch.masks, options.segTamperedWeight);
  const contour = out.contour ? contourLoss(out.contour, batch.masks) : null;
  const terms = contrastiveTerms(options.roleSwitch, step, options.switchEvery);
  if (terms.length === 0 || !plan) {
    const losses = { seg, con: [], pc: null, contour };
    return { ...losses, total: totalLoss(losses, options.lambdaCon, options.lambdaPc, options.lambdaContour), conLabels: [], anchorWeights: new Float32Array(0), patches: 0, contourPatches: 0 };
  }

  const { kinds, anchorWeights } = plan.sample;
  const sampled: Partial<Record<Branch, Tensor>> = {};
  for (const head of new Set(terms.map((t) => t.head))) sampled[head] = gatherRows(poolPatchEmbeddings(out.embeddings[head]!, plan.grid), plan.sample.index);
  const labels = terms.map((t) => branchLabels(kinds, t.contour));
  const con = terms.map((t, i) => contrastiveLoss(sampled[t.head]!, labels[i]!, { tau: options.tau, fused: options.fused, anchorWeights }));
  const held = options.pivotConsistency === 'all' ? undefined : Array.from(kinds, (k) => k !== PATCH_CONTOUR);
  const pc = hasTwoHeads(options.roleSwitch) ? consistency(sampled.t!, sampled.a!, held, options, () => pivotAnchors(out.pivot, plan.grid, plan.sample.index, sampled.t!.shape[1]!)) : null;
  const losses = { seg, con, pc, contour };
  return {
    ...losses,
    conLabels: labels,
    anchorWeights,
    total: totalLoss(losses, options.lambdaCon, options.lambdaPc, options.lambdaContour),
    patches: plan.sample.rows.length,
    contourPatches: plan.sample.kinds.filter((k) => k === PATCH_CONTOUR).length,
  };
}
