// The contrastive plan in plain terms, as the fused op reads it (built on the host by
// src/ncl/method/contrastive-plan.ts, docs/method.md §5), and its upload to the device: the
// per-row words are packed by the kernel layer (packRowInfo), beside the struct they fill.
import { wordTensor } from '../../autograd/ops/creation.ts';
import type { Tensor } from '../../autograd/tensor.ts';
import { packRowInfo } from '../../kernels/contrastive-device-plan.ts';

export interface ContrastivePlan {
  readonly n: number;
  /** Number of distinct valid classes C. */
  readonly classes: number;
  /** Members of the largest class. */
  readonly largestClass: number;
  /** Number of kept anchors M. */
  readonly kept: number;
  /** Dense class index per row, −1 for ignored rows. */
  readonly classOf: Int32Array;
  /** w_i: a_i / Σ_kept a_k for kept anchors (1/M with the default a_i = 1), 0 otherwise. */
  readonly weight: Float32Array;
  /** 1/|P_i| = 1/(n_c − 1) for kept anchors, 0 otherwise. */
  readonly posScale: Float32Array;
  /** Members of class c are members[classStart[c] .. classStart[c + 1]), in increasing row order. */
  readonly classStart: Uint32Array;
  readonly members: Uint32Array;
}

/** The plan on the device: u32 tensors, so tidy scopes release them like any other. */
interface PlanTensors {
  /** [N, 4] words, one ROW_INFO per row (kernels/contrastive-device-plan.ts). */
  readonly rows: Tensor;
  readonly classStart: Tensor;
  readonly members: Tensor;
}

export function uploadPlan(plan: ContrastivePlan): PlanTensors {
  return {
    rows: wordTensor(packRowInfo(plan.classOf, plan.weight, plan.posScale), 4),
    classStart: wordTensor(plan.classStart),
    members: wordTensor(plan.members),
  };
}
