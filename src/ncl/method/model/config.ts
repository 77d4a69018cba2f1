// The network's shape: a DeepLabV3+ trunk (ResNet encoder → ASPP → decoder) whose stride-4 output F
// is the pivot, a 2-class segmentation head, and the projection heads of branches T and A
// (docs/method.md §2). Presets: `paper` (ResNet-101, output stride 16, 512 px) and `tiny` (a narrow
// ResNet that trains in minutes on a CPU adapter). Same code path, different numbers.

export type BlockKind = 'basic' | 'bottleneck';

/** Input pixels per position of the pivot and the branch maps: the decoder works at the stride of
 *  the encoder's first stage (stem convolution and max pool, 2 × 2), whatever the preset. */
export const EMBEDDING_STRIDE = 4;

export interface ModelConfig {
  /** ResNet block: basic (two 3×3 convs, expansion 1) or bottleneck (1×1, 3×3, 1×1, expansion 4). */
  block: BlockKind;
  /** Blocks in layer1..layer3; layer4 is the multi-grid unit, one block per entry of `multiGrid`. */
  layers: [number, number, number];
  /** Dilation multipliers of layer4's blocks (DeepLab's multi-grid; ResNet-101: [1, 2, 4]). */
  multiGrid: number[];
  /** Channels of the stem convolution (ResNet: 64). */
  stemChannels: number;
  /** Planes of layer1..layer4 (ResNet: 64, 128, 256, 512; output channels are planes × expansion). */
  planes: [number, number, number, number];
  /** Output stride of the encoder: 16 (strides 1,2,2,1; layer4 dilated ×2) or 8 (1,2,1,1; ×2, ×4). */
  outputStride: 8 | 16;
  /** Channels of every ASPP branch and of its output (DeepLab: 256). */
  asppChannels: number;
  /** Channels the low-level skip (layer1's output) is reduced to (DeepLab: 48). */
  lowLevelChannels: number;
  /** Channels C of the decoder output F, the pivot (DeepLab: 256). */
  pivotChannels: number;
  /** Dimension D of each branch's patch embedding (§2, default 128). */
  embedDim: number;
  /** Square input side the network is trained and run at (inference resizes to it). */
  inputSize: number;
  /** Dropout after ASPP and inside the decoder, as DeepLab's [0.5, 0.5, 0.1]; 0 turns each off. */
  dropout: [number, number, number];
}

export const PRESETS = {
  paper: {
    block: 'bottleneck',
    layers: [3, 4, 23],
    multiGrid: [1, 2, 4],
    stemChannels: 64,
    planes: [64, 128, 256, 512],
    outputStride: 16,
    asppChannels: 256,
    lowLevelChannels: 48,
    pivotChannels: 256,
    embedDim: 128,
    inputSize: 512,
    dropout: [0.5, 0.5, 0.1],
  },
  tiny: {
    block: 'basic',
    layers: [1, 1, 1],
    multiGrid: [1, 2],
    stemChannels: 16,
    planes: [16, 32, 48, 64],
    outputStride: 16,
    asppChannels: 48,
    lowLevelChannels: 16,
    pivotChannels: 48,
    embedDim: 32,
    inputSize: 128,
    dropout: [0, 0, 0],
  },
} satisfies Record<string, ModelConfig>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** A preset, with any fields overridden. Checks what the network needs of the numbers. */
export function modelConfig(preset: PresetName, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const config: ModelConfig = structuredClone({ ...PRESETS[preset], ...overrides }) as ModelConfig;
  checkModelConfig(config);
  return config;
}

export function checkModelConfig(c: ModelConfig): void {
  const fail = (why: string): never => {
    throw new Error(`model config: ${why}`);
  };
  if (c.block !== 'basic' && c.block !== 'bottleneck') fail(`block must be 'basic' or 'bottleneck', got '${c.block}'`);
  if (c.outputStride !== 8 && c.outputStride !== 16) fail(`outputStride must be 8 or 16, got ${c.outputStride}`);
  const positive = { stemChannels: c.stemChannels, asppChannels: c.asppChannels, lowLevelChannels: c.lowLevelChannels, pivotChannels: c.pivotChannels, embedDim: c.embedDim };
  for (const [k, v] of Object.entries(positive)) if (!Number.isInteger(v) || v < 1) fail(`${k} must be a positive integer, got ${v}`);
  if (c.layers.length !== 3 || c.layers.some((n) => !Number.isInteger(n) || n < 1)) fail(`layers must be three positive integers, got [${c.layers}]`);
  if (c.planes.length !== 4 || c.planes.some((n) => !Number.isInteger(n) || n < 1)) fail(`planes must be four positive integers, got [${c.planes}]`);
  if (c.multiGrid.length < 1 || c.multiGrid.some((n) => !Number.isInteger(n) || n < 1)) fail(`multiGrid must be positive integers, got [${c.multiGrid}]`);
  if (!Number.isInteger(c.inputSize) || c.inputSize % 16 !== 0 || c.inputSize < 32) fail(`inputSize must be a multiple of 16 and at least 32, got ${c.inputSize}`);
  if (c.dropout.length !== 3 || c.dropout.some((p) => !(p >= 0 && p < 1))) fail(`dropout must be three rates in [0, 1), got [${c.dropout}]`);
}

/** ASPP atrous rates for the output stride (DeepLab: 6, 12, 18 at stride 16; doubled at 8). */
export function asppRates(outputStride: 8 | 16): [number, number, number] {
  return outputStride === 16 ? [6, 12, 18] : [12, 24, 36];
}
