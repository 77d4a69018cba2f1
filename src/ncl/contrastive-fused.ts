// The fused contrastive loss as one autograd op (docs/method.md §6): its forward keeps only LSE
// (N floats) and its backward is the single symmetric pass of shaders/contrastive_backward.wgsl.
// D is padded to a multiple of 4 inside (zero columns change no dot product); the class sums S_c
// are recomputed in the backward pass rather than kept (O(N·D)).
import { defineOp } from '../autograd/registry.ts';
import { Tensor } from '../autograd/tensor.ts';
import { fillKernel } from '../kernels/elementwise.ts';
import { reduceKernel } from '../kernels/reduce.ts';
import { gatherStrided, scatterStrided } from '../kernels/strided.ts';
import { classSumsKernel, contrastiveBackwardKernel, contrastiveForwardKernel, type DevicePlan } from '../kernels/contrastive.ts';
import { uploadPlan, type ContrastivePlan } from './contrastive-plan.ts';

interface FusedAttrs {
  tau: number;
  plan: ContrastivePlan;
  device: DevicePlan;
  /** LSE_i from the forward pass, for the backward pass. */
  lse: Tensor | null;
}

/** z [N, D] as [N, D'] with D' = D rounded up to a multiple of 4 (zeros in the new columns). */
function padColumns(z: Tensor): Tensor {
  const [n, d] = z.shape as [number, number];
  const dp = 4 * Math.ceil(d / 4);
  if (dp === d) return z.view(z.shape);
  const out = fillKernel([n, dp], 0);
  scatterStrided('contrastive:pad', z, out, { shape: [n, d], strides: [dp, 1], offset: 0 });
  return out;
}

function unpadColumns(x: Tensor, d: number): Tensor {
  const [n, dp] = x.shape as [number, number];
  if (dp === d) return x.view(x.shape);
  return gatherStrided('contrastive:unpad', x, { shape: [n, d], strides: [dp, 1], offset: 0 });
}

const fusedOp = defineOp<FusedAttrs>({
  name: 'contrastiveLossFused',
  forward: ([z], attrs) => {
    if (attrs.plan.kept === 0) return fillKernel([], 0);
    const zp = padColumns(z!);
    const sums = classSumsKernel(zp, attrs.device, attrs.plan.classes, attrs.plan.largestClass);
    const { lse, rowLoss } = contrastiveForwardKernel(zp, attrs.device, sums, attrs.tau);
    attrs.lse = lse;
    const loss = reduceKernel('sum', rowLoss, 1, attrs.plan.n, 1, []);
    for (const t of [zp, sums, rowLoss]) t.dispose();
    return loss;
  },
  backward: (g, { inputs: [z], attrs }) => {
    if (!attrs.lse) return [fillKernel(z!.shape, 0)];
    const zp = padColumns(z!);
    const sums = classSumsKernel(zp, attrs.device, attrs.plan.classes, attrs.plan.largestClass);
    const dzp = contrastiveBackwardKernel(zp, attrs.device, sums, attrs.lse, g, attrs.tau);
    const dz = unpadColumns(dzp, z!.shape[1]!);
    for (const t of [zp, sums, dzp]) t.dispose();
    return [dz];
  },
});

export function fusedContrastiveLoss(z: Tensor, plan: ContrastivePlan, tau: number): Tensor {
  return fusedOp([z], { tau, plan, device: uploadPlan(plan), lse: null });
}
