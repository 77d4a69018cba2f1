// The DeepLabV3+ decoder: the low-level skip (layer1, stride 4) reduced by a 1×1 conv, the ASPP
// output upsampled to its size, both concatenated and refined by two 3×3 Conv-BN-ReLU. Its output F
// (C channels, stride 4) is NCL's pivot (docs/method.md §2); the 2-class segmentation head is the
// last step of `last_conv`, where the DeepLabV3+ code base has its classifier:
//   decoder.last_conv = [conv3×3, BN, ReLU, Dropout, conv3×3, BN, ReLU, Dropout, conv1×1 → 2]
//                          0       1    2     3        4       5    6     7        8 (seg head)
import { relu } from '../../../autograd/ops/elementwise.ts';
import { concat } from '../../../autograd/ops/shape.ts';
import { resizeBilinear } from '../../../autograd/ops/resize.ts';
import type { Tensor } from '../../../autograd/tensor.ts';
import type { Rng } from '../../../common/rng.ts';
import { BatchNorm2d } from '../../../nn/batchnorm.ts';
import { Conv2d } from '../../../nn/conv2d.ts';
import { Dropout, type DropoutStream } from '../../../nn/dropout.ts';
import { Module } from '../../../nn/module.ts';
import { Sequential } from '../../../nn/sequential.ts';

/** Steps of last_conv before the segmentation head: they produce the pivot F. */
const PIVOT_STEPS = 8;

export interface DecoderOutput {
  /** F [B, C, H/4, W/4]: what the segmentation head and both branches read. */
  pivot: Tensor;
  /** Segmentation logits [B, 2, H/4, W/4] (upsampled to the input by the network). */
  logits: Tensor;
}

export class Decoder extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly lastConv: Sequential;

  constructor(
    lowLevelIn: number,
    lowLevelOut: number,
    asppChannels: number,
    pivotChannels: number,
    dropout: [number, number],
    stream: DropoutStream,
    rng: Rng,
  ) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(lowLevelIn, lowLevelOut, 1, rng));
    this.bn1 = this.child('bn1', new BatchNorm2d(lowLevelOut));
    this.lastConv = this.child(
      'last_conv',
      new Sequential([
        new Conv2d(asppChannels + lowLevelOut, pivotChannels, 3, rng),
        new BatchNorm2d(pivotChannels),
        relu,
        new Dropout(dropout[0], stream),
        new Conv2d(pivotChannels, pivotChannels, 3, rng),
        new BatchNorm2d(pivotChannels),
        relu,
        new Dropout(dropout[1], stream),
        new Conv2d(pivotChannels, 2, 1, rng, { bias: true }),
      ]),
    );
  }

  forward(aspp: Tensor, lowLevel: Tensor): DecoderOutput {
    const skip = this.bn1.forwardRelu(this.conv1.forward(lowLevel));
    const [, , h, w] = skip.shape as [number, number, number, number];
    const up = resizeBilinear(aspp, [h, w], { alignCorners: true });
    const pivot = this.lastConv.forwardPrefix(concat([up, skip], 1), PIVOT_STEPS);
    return { pivot, logits: this.lastConv.layer(PIVOT_STEPS).forward(pivot) };
  }
}
