// The fused contrastive loss as one autograd op (docs/method.md §6): its forward saves only LSE
// (N floats) and its backward is the single symmetric pass of shaders/contrastive_backward.wgsl.
// D is padded to a multiple of 4 inside (zero columns change no dot product); the class sums S_c
// (plain, and weighted by the anchor weights) are recomputed in the backward pass rather than kept
// (O(N·D)). The plan's tensors are inputs without a gradient.
import { defineOp } from '../../autograd/registry.ts';
import { Tensor } from '../../autograd/tensor.ts';
import type { Storage } from '../../storage/storage.ts';
import { fillKernel } from '../../kernels/elementwise.ts';
import { reduceKernel } from '../../kernels/reduce.ts';
import { gatherStrided, scatterStrided } from '../../kernels/strided.ts';
import { classSumsKernel, contrastiveBackwardKernel, contrastiveForwardKernel } from '../../kernels/contrastive.ts';
import type { DevicePlan } from '../../kernels/contrastive-device-plan.ts';
import { uploadPlan, type ContrastivePlan } from './contrastive-plan-upload.ts';

interface FusedAttrs {
  tau: number;
  plan: ContrastivePlan;
}

/** z [N, D] as [N, D'] with D' = D rounded up to a multiple of 4 (zeros in the new columns). */
function padColumns(z: Storage): Storage {
  const [n, d] = z.shape as [number, number];
  const dp = 4 * Math.ceil(d / 4);
  if (dp === d) return z.view(z.shape);
  const out = fillKernel([n, dp], 0);
  scatterStrided('contrastive:pad', z, out, { shape: [n, d], strides: [dp, 1], offset: 0 });
  return out;
}

function unpadColumns(x: Storage, d: number): Storage {
  const [n, dp] = x.shape as [number, number];
  if (dp === d) return x.view(x.shape);
  return gatherStrided('contrastive:unpad', x, { shape: [n, d], strides: [dp, 1], offset: 0 });
}

const fusedOp = defineOp<FusedAttrs>({
  name: 'contrastiveLossFused',
  forward: ([z, rows, classStart, members], { plan, tau }) => {
    if (plan.kept === 0) return fillKernel([], 0);
    const device: DevicePlan = { rows: rows!, classStart: classStart!, members: members! };
    const zp = padColumns(z!);
    const sums = classSumsKernel(zp, device, plan.classes, plan.largestClass);
    const { lse, rowLoss } = contrastiveForwardKernel(zp, device, sums, tau);
    const loss = reduceKernel('sum', rowLoss, 1, plan.n, 1, []);
    for (const t of [zp, sums, rowLoss]) t.dispose();
    return { output: loss, saved: [lse] };
  },
  backward: (g, { inputs: [z, rows, classStart, members], attrs: { plan, tau }, saved: [lse] }) => {
    if (!lse) return [Tensor.wrap(fillKernel(z!.shape, 0)), null, null, null];
    const device: DevicePlan = { rows: rows!.storage, classStart: classStart!.storage, members: members!.storage };
    const zp = padColumns(z!.storage);
    const sums = classSumsKernel(zp, device, plan.classes, plan.largestClass);
    const weightedSums = classSumsKernel(zp, device, plan.classes, plan.largestClass, true);
    const dzp = contrastiveBackwardKernel(zp, device, sums, weightedSums, lse.storage, g.storage, tau);
    const dz = unpadColumns(dzp, z!.shape[1]!);
    for (const t of [zp, sums, weightedSums, dzp]) t.dispose();
    return [Tensor.wrap(dz), null, null, null];
  },
});

export function fusedContrastiveLoss(z: Tensor, plan: ContrastivePlan, tau: number): Tensor {
  const { rows, classStart, members } = uploadPlan(plan);
  return fusedOp([z, rows, classStart, members], { tau, plan });
}
