// Atrous spatial pyramid pooling (DeepLabV3): a 1×1 branch, three 3×3 branches at the atrous rates
// of the output stride, and an image-pooling branch, concatenated and fused by a 1×1 conv.
// Names as in the DeepLabV3+ code base: aspp.aspp1..4.{atrous_conv,bn}, aspp.global_avg_pool.{1,2},
// aspp.conv1, aspp.bn1 (and aspp.dropout, which has no tensors). Every layer is registered as a
// child, so train()/eval() reach it.
import { relu } from '../../../autograd/ops/elementwise.ts';
import { globalAvgPool } from '../../../autograd/ops/pool.ts';
import { expand } from '../../../autograd/ops/reduce.ts';
import { concat } from '../../../autograd/ops/shape.ts';
import type { Tensor } from '../../../autograd/tensor.ts';
import type { Rng } from '../../../common/rng.ts';
import { BatchNorm2d } from '../../../nn/batchnorm.ts';
import { Conv2d } from '../../../nn/conv2d.ts';
import { Dropout, type DropoutStream } from '../../../nn/dropout.ts';
import { Module } from '../../../nn/module.ts';
import { Sequential } from '../../../nn/sequential.ts';

/** One atrous branch: conv (rate r; 1×1 when r = 1) → BN → ReLU. */
class AtrousBranch extends Module {
  private readonly atrousConv: Conv2d;
  private readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, rate: number, rng: Rng) {
    super();
    const kernel = rate === 1 ? 1 : 3;
    this.atrousConv = this.child('atrous_conv', new Conv2d(inChannels, outChannels, kernel, rng, { dilation: rate }));
    this.bn = this.child('bn', new BatchNorm2d(outChannels));
  }

  forward(x: Tensor): Tensor {
    return this.bn.forwardRelu(this.atrousConv.forward(x));
  }
}

export class ASPP extends Module {
  private readonly branches: AtrousBranch[];
  private readonly imagePooling: Sequential;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly dropout: Dropout;

  constructor(inChannels: number, channels: number, rates: [number, number, number], dropout: number, stream: DropoutStream, rng: Rng) {
    super();
    this.branches = [1, ...rates].map((rate, i) => this.child(`aspp${i + 1}`, new AtrousBranch(inChannels, channels, rate, rng)));
    // Index 0 is the pooling itself (no parameters), as in the PyTorch Sequential.
    this.imagePooling = this.child('global_avg_pool', new Sequential([globalAvgPool, new Conv2d(inChannels, channels, 1, rng), new BatchNorm2d(channels), relu]));
    this.conv1 = this.child('conv1', new Conv2d(5 * channels, channels, 1, rng));
    this.bn1 = this.child('bn1', new BatchNorm2d(channels));
    this.dropout = this.child('dropout', new Dropout(dropout, stream));
  }

  forward(x: Tensor): Tensor {
    const [n, , h, w] = x.shape as [number, number, number, number];
    const pooled = this.imagePooling.forward(x);
    // Upsampling a 1×1 map to h×w (bilinear or not) is a broadcast.
    const imageBranch = expand(pooled, [n, pooled.shape[1]!, h, w]);
    const y = concat([...this.branches.map((b) => b.forward(x)), imageBranch], 1);
    return this.dropout.forward(this.bn1.forwardRelu(this.conv1.forward(y)));
  }
}
