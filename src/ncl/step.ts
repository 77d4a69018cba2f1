// One NCL training step's losses (ncl-method.md §3–§5): forward the batch, label and sample the
// patches, pool each branch's embeddings over them, apply the role switch of this step, and combine
// L_seg, the contrastive terms and L_pc into L. The caller runs backward and the optimiser.
import { gatherRows } from '../autograd/ops/gather.ts';
import type { Tensor } from '../autograd/tensor.ts';
import type { Rng } from '../data/rng.ts';
import { RowIndex } from '../kernels/gather.ts';
import { contrastiveLoss } from './contrastive.ts';
import { pivotConsistentLoss, segmentationLoss, totalLoss, type LossTerms } from './losses.ts';
import type { Branch, NclNetwork } from './model/network.ts';
import type { NclOptions } from './options.ts';
import { patchLabels, poolPatches } from './patch-grid.ts';
import { samplePatches } from './patch-sampler.ts';
import { branchLabels, contrastiveTerms, PatchKind } from './roles.ts';

export interface TrainingBatch {
  /** [B, 3, S, S], normalised. */
  images: Tensor;
  /** B × S × S ground-truth masks, 0/1. */
  masks: Uint8Array;
}

export interface StepLosses extends LossTerms {
  total: Tensor;
  /** Patches sampled for the contrastive terms, and how many were contour patches. */
  patches: number;
  contourPatches: number;
  /** The sampled rows' index; the backward pass reads it, so release it after backward. */
  index: RowIndex | null;
}

export function nclStepLosses(net: NclNetwork, batch: TrainingBatch, options: NclOptions, step: number, samplerRng: Rng): StepLosses {
  const [b, , size] = batch.images.shape as [number, number, number, number];
  const out = net.forward(batch.images);
  const seg = segmentationLoss(out.logits, batch.masks);
  const terms = contrastiveTerms(options.roleSwitch, step);
  if (terms.length === 0) return { seg, con: [], pc: null, total: seg, patches: 0, contourPatches: 0, index: null };

  const { kind } = patchLabels(batch.masks, b, size, options.patchSize, options.epsilon);
  const kept = samplePatches(kind, options.maxPatches, samplerRng);
  const keptKinds = Uint8Array.from(kept, (i) => kind[i]!);
  const index = new RowIndex(kept, kind.length);
  const sampled: Partial<Record<Branch, Tensor>> = {};
  for (const head of new Set(terms.map((t) => t.head))) sampled[head] = gatherRows(poolPatches(out.embeddings[head]!, options.patchSize), index);
  const con = terms.map((t) => contrastiveLoss(sampled[t.head]!, branchLabels(keptKinds, t.contour), { tau: options.tau, fused: options.fused }));
  const pc = options.roleSwitch === 'dual' ? pivotConsistentLoss(sampled.t!, sampled.a!) : null;
  const losses = { seg, con, pc };
  return {
    ...losses,
    total: totalLoss(losses, options.lambdaCon, options.lambdaPc),
    patches: kept.length,
    contourPatches: keptKinds.filter((k) => k === PatchKind.Contour).length,
    index,
  };
}
