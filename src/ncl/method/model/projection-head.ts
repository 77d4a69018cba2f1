// A branch's projection head (docs/method.md §2, ours): 1×1 conv (C→C) → BN → ReLU → 1×1 conv (C→D),
// applied to the pivot F at every position; patch pooling then averages and L2-normalises (§3).
import { relu } from '../../../autograd/ops/elementwise.ts';
import type { Rng } from '../../../common/rng.ts';
import { BatchNorm2d } from '../../../nn/batchnorm.ts';
import { Conv2d } from '../../../nn/conv2d.ts';
import { Sequential } from '../../../nn/sequential.ts';

export function projectionHead(channels: number, embedDim: number, rng: Rng): Sequential {
  return new Sequential([new Conv2d(channels, channels, 1, rng), new BatchNorm2d(channels), relu, new Conv2d(channels, embedDim, 1, rng, { bias: true })]);
}
