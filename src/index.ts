// Public API of ncl's engine: device, tensors, ops, autograd, optimisers.
export { initDevice, runtime, shutdownDevice } from './runtime/context.ts';
export type { RuntimeOptions, KernelProfile } from './runtime/runtime.ts';
export { Tensor, formatShape, type DType, type Shape } from './autograd/tensor.ts';
export { tidy, keep, noGrad, isGradEnabled } from './autograd/scope.ts';
export { backward } from './autograd/backward.ts';
export { defineOp } from './autograd/registry.ts';
export * from './autograd/ops/elementwise.ts';
export { sum, mean, max, expand, sumToShape } from './autograd/ops/reduce.ts';
export { reshape, permute, transpose, slice, concat } from './autograd/ops/shape.ts';
export { matmul } from './autograd/ops/matmul.ts';
export { softmax, logSoftmax, l2Normalize } from './autograd/ops/softmax.ts';
export { gatherRows, RowIndex } from './autograd/ops/gather.ts';
export { SGD, AdamW, Optimizer, type SGDOptions, type AdamWOptions } from './optim/optimizer.ts';
export { globalNormScale } from './optim/clip.ts';

export { tensor, full, zeros, ones } from './autograd/ops/creation.ts';

// Convolution and the DeepLabV3+ op set (conv, batch norm, resize, pooling, losses, dropout).
export { conv2d } from './autograd/ops/conv.ts';
export { convGeometry, convFlops, type Conv2dOptions, type ConvGeometry } from './kernels/conv-geometry.ts';
export { batchNorm2d, type BatchNormOptions } from './autograd/ops/batchnorm.ts';
export { resizeBilinear, resizeNearest } from './autograd/ops/resize.ts';
export { maxPool2d, avgPool2d, globalAvgPool } from './autograd/ops/pool.ts';
export type { PoolOptions } from './kernels/pool.ts';
export { softmaxCrossEntropy, bceWithLogits, type CrossEntropyOptions } from './autograd/ops/losses.ts';
export { dropout, DropoutGenerator } from './autograd/ops/dropout.ts';
export type { DropoutKey } from './kernels/dropout.ts';

// NCL method: patch pooling, labels and sampling (docs/method.md §3); contrastive loss (§5, §6).
export { contrastiveLoss, type ContrastiveOptions } from './ncl/method/contrastive.ts';
export { patchGrid, poolPatchEmbeddings, type PatchGrid } from './ncl/ops/patch-pool.ts';
export { patchLabels, PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR, type PatchLabels } from './ncl/method/patch-labels.ts';
export { samplePatches, type PatchSample, type PatchSampleOptions } from './ncl/method/patches.ts';
