// The ResNet encoder of DeepLabV3+ with output stride set by dilation instead of striding.
// Names follow the DeepLabV3+ code base (backbone.conv1, backbone.bn1, backbone.layer1.0.conv1,
// backbone.layer1.0.downsample.0, …) so a PyTorch state dict of that network maps onto `paper`.
//
// Output stride 16: layer strides 1,2,2,1 and layer4 dilated ×2; stride 8: 1,2,1,1 with ×2, ×4.
// layer4 is the multi-grid unit: block i has dilation multiGrid[i] × the layer's dilation.
import { relu, add } from '../../../autograd/ops/elementwise.ts';
import { maxPool2d } from '../../../autograd/ops/pool.ts';
import type { Tensor } from '../../../autograd/tensor.ts';
import type { Rng } from '../../../common/rng.ts';
import { BatchNorm2d } from '../../../nn/batchnorm.ts';
import { Conv2d } from '../../../nn/conv2d.ts';
import { Module } from '../../../nn/module.ts';
import { Sequential } from '../../../nn/sequential.ts';
import type { BlockKind, ModelConfig } from './config.ts';

interface BlockSpec {
  inChannels: number;
  planes: number;
  stride: number;
  dilation: number;
}

/** Two 3×3 convolutions and the identity (or a 1×1 projection) shortcut; expansion 1. */
class BasicBlock extends Module {
  static readonly expansion = 1;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly downsample: Sequential | null;

  constructor(s: BlockSpec, rng: Rng) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(s.inChannels, s.planes, 3, rng, { stride: s.stride, dilation: s.dilation }));
    this.bn1 = this.child('bn1', new BatchNorm2d(s.planes));
    this.conv2 = this.child('conv2', new Conv2d(s.planes, s.planes, 3, rng, { dilation: s.dilation }));
    this.bn2 = this.child('bn2', new BatchNorm2d(s.planes));
    const projection = projectionShortcut(s, s.planes, rng);
    this.downsample = projection && this.child('downsample', projection);
  }

  forward(x: Tensor): Tensor {
    const y = this.bn2.forward(this.conv2.forward(this.bn1.forwardRelu(this.conv1.forward(x))));
    return relu(add(y, this.downsample ? this.downsample.forward(x) : x));
  }
}

/** 1×1 reduce, 3×3 (strided, dilated), 1×1 expand ×4, plus the shortcut. */
class Bottleneck extends Module {
  static readonly expansion = 4;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly conv3: Conv2d;
  private readonly bn3: BatchNorm2d;
  private readonly downsample: Sequential | null;

  constructor(s: BlockSpec, rng: Rng) {
    super();
    const out = s.planes * Bottleneck.expansion;
    this.conv1 = this.child('conv1', new Conv2d(s.inChannels, s.planes, 1, rng));
    this.bn1 = this.child('bn1', new BatchNorm2d(s.planes));
    this.conv2 = this.child('conv2', new Conv2d(s.planes, s.planes, 3, rng, { stride: s.stride, dilation: s.dilation }));
    this.bn2 = this.child('bn2', new BatchNorm2d(s.planes));
    this.conv3 = this.child('conv3', new Conv2d(s.planes, out, 1, rng));
    this.bn3 = this.child('bn3', new BatchNorm2d(out));
    const projection = projectionShortcut(s, out, rng);
    this.downsample = projection && this.child('downsample', projection);
  }

  forward(x: Tensor): Tensor {
    let y = this.bn1.forwardRelu(this.conv1.forward(x));
    y = this.bn2.forwardRelu(this.conv2.forward(y));
    y = this.bn3.forward(this.conv3.forward(y));
    return relu(add(y, this.downsample ? this.downsample.forward(x) : x));
  }
}

/** The projection shortcut (1×1 conv + BN, a block's `downsample`) where the shape changes. */
function projectionShortcut(s: BlockSpec, outChannels: number, rng: Rng): Sequential | null {
  if (s.stride === 1 && s.inChannels === outChannels) return null;
  return new Sequential([new Conv2d(s.inChannels, outChannels, 1, rng, { stride: s.stride, padding: 0 }), new BatchNorm2d(outChannels)]);
}

const BLOCKS = { basic: BasicBlock, bottleneck: Bottleneck } satisfies Record<BlockKind, unknown>;

export interface EncoderOutput {
  /** layer4's output at the output stride. */
  features: Tensor;
  /** layer1's output at stride 4: the decoder's low-level skip. */
  lowLevel: Tensor;
}

export class ResNetEncoder extends Module {
  readonly outChannels: number;
  readonly lowLevelChannels: number;
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly stages: Sequential[];

  constructor(c: ModelConfig, rng: Rng) {
    super();
    const Block = BLOCKS[c.block];
    const [strides, dilations] = c.outputStride === 16 ? [[1, 2, 2, 1], [1, 1, 1, 2]] : [[1, 2, 1, 1], [1, 1, 2, 4]];
    this.conv1 = this.child('conv1', new Conv2d(3, c.stemChannels, 7, rng, { stride: 2, padding: 3 }));
    this.bn1 = this.child('bn1', new BatchNorm2d(c.stemChannels));
    let inChannels = c.stemChannels;
    const blockDilations = [...c.layers.map((n, i) => Array<number>(n).fill(dilations[i]!)), c.multiGrid.map((m) => m * dilations[3]!)];
    this.stages = blockDilations.map((perBlock, i) => {
      const blocks = perBlock.map((dilation, b) => {
        const block = new Block({ inChannels, planes: c.planes[i]!, stride: b === 0 ? strides[i]! : 1, dilation }, rng);
        inChannels = c.planes[i]! * Block.expansion;
        return block;
      });
      return this.child(`layer${i + 1}`, new Sequential(blocks));
    });
    this.outChannels = inChannels;
    this.lowLevelChannels = c.planes[0] * Block.expansion;
  }

  forward(x: Tensor): EncoderOutput {
    let y = this.bn1.forwardRelu(this.conv1.forward(x));
    y = maxPool2d(y, { kernel: 3, stride: 2, padding: 1 });
    const lowLevel = this.stages[0]!.forward(y);
    let features = lowLevel;
    for (const stage of this.stages.slice(1)) features = stage.forward(features);
    return { features, lowLevel };
  }
}
