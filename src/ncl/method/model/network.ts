// NCL's network (docs/method.md §2): trunk = ResNet encoder → ASPP → DeepLabV3+ decoder, whose
// stride-4 output F is the pivot read by the segmentation head and by the branch heads.
//   backbone.*  aspp.*  decoder.*  (DeepLabV3+ names; decoder.last_conv.8 is the seg head)
//   branch_t.*  branch_a.*         (projection heads of branches T and A, ours)
//   contour_head.*                 (1×1 conv C → 1 on the pivot, when λ_ct > 0: method.md §5, ours)
// Input: [B, 3, S, S] normalised with ImageNet mean/std; S = config.inputSize.
import { DropoutGenerator } from '../../../autograd/ops/dropout.ts';
import { resizeBilinear } from '../../../autograd/ops/resize.ts';
import type { Tensor } from '../../../autograd/tensor.ts';
import { Rng } from '../../../common/rng.ts';
import { Conv2d } from '../../../nn/conv2d.ts';
import { Module } from '../../../nn/module.ts';
import type { Sequential } from '../../../nn/sequential.ts';
import { dropoutStream, type DropoutStream } from '../../../nn/dropout.ts';
import { ASPP } from './aspp.ts';
import { asppRates, type ModelConfig } from './config.ts';
import { Decoder } from './decoder.ts';
import { projectionHead } from './projection-head.ts';
import { ResNetEncoder } from './resnet.ts';

/** Which projection heads exist: both for `dual`, T alone for one-head modes, none for `off`. */
export type Branch = 't' | 'a';

export interface NetworkOutput {
  /** Segmentation logits [B, 2, S, S] (channel 1 = tampered). */
  logits: Tensor;
  /** The pivot F [B, C, S/4, S/4]. */
  pivot: Tensor;
  /** Per-pixel embeddings of each branch present, [B, D, S/4, S/4] (not yet pooled or normalised). */
  embeddings: Partial<Record<Branch, Tensor>>;
  /** Contour logits [B, 1, S/4, S/4] when the network has a contour head. */
  contour?: Tensor;
}

/** Input sides must be multiples of this: the encoder's stride at output stride 16. */
export const INPUT_MULTIPLE = 16;

export class NclNetwork extends Module {
  private readonly backbone: ResNetEncoder;
  private readonly aspp: ASPP;
  private readonly decoder: Decoder;
  private readonly heads: Partial<Record<Branch, Sequential>> = {};
  private readonly contourHead: Conv2d | null;
  /** Where dropout draws its masks; the trainer re-seeds it every step. */
  private readonly dropoutStream: DropoutStream = dropoutStream();

  constructor(
    readonly config: ModelConfig,
    readonly branches: readonly Branch[],
    seed: number,
    /** Whether the network has the contour head (λ_ct > 0). */
    readonly hasContourHead = false,
  ) {
    super();
    const rng = Rng.fromSeed(seed, 0x1417); // the initialisation stream of this seed
    this.backbone = this.child('backbone', new ResNetEncoder(config, rng));
    const c = config;
    this.aspp = this.child('aspp', new ASPP(this.backbone.outChannels, c.asppChannels, asppRates(c.outputStride), c.dropout[0], this.dropoutStream, rng));
    this.decoder = this.child('decoder', new Decoder(this.backbone.lowLevelChannels, c.lowLevelChannels, c.asppChannels, c.pivotChannels, [c.dropout[1], c.dropout[2]], this.dropoutStream, rng));
    for (const b of branches) this.heads[b] = this.child(`branch_${b}`, projectionHead(c.pivotChannels, c.embedDim, rng));
    this.contourHead = hasContourHead ? this.child('contour_head', new Conv2d(c.pivotChannels, 1, 1, rng, { bias: true })) : null;
  }

  /** Draws every later dropout mask from a generator of this seed (the trainer seeds each
   *  micro-batch from the run seed, the step and the micro-batch). */
  seedDropout(seed: number): void {
    this.dropoutStream.generator = new DropoutGenerator(seed);
  }

  /** x: [B, 3, H, W], H and W multiples of INPUT_MULTIPLE; training uses the model's input size,
   *  inference may run at any such size (the network is fully convolutional; ASPP's image pooling
   *  averages over whatever it is given). */
  forward(x: Tensor): NetworkOutput {
    if (x.rank !== 4 || x.shape[1] !== 3 || x.shape[2]! % INPUT_MULTIPLE !== 0 || x.shape[3]! % INPUT_MULTIPLE !== 0 || x.shape[2]! === 0 || x.shape[3]! === 0) {
      throw new Error(`network input must be [B, 3, H, W] with H and W multiples of ${INPUT_MULTIPLE} (the model's input size: ${this.config.inputSize}), got ${x.describe()}`);
    }
    const size: [number, number] = [x.shape[2]!, x.shape[3]!];
    const { features, lowLevel } = this.backbone.forward(x);
    const { pivot, logits } = this.decoder.forward(this.aspp.forward(features), lowLevel);
    const embeddings: Partial<Record<Branch, Tensor>> = {};
    for (const b of this.branches) embeddings[b] = this.heads[b]!.forward(pivot);
    return { logits: resizeBilinear(logits, size, { alignCorners: true }), pivot, embeddings, ...(this.contourHead ? { contour: this.contourHead.forward(pivot) } : {}) };
  }
}
