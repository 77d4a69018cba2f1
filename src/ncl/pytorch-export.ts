// A checkpoint's network as a PyTorch state dict in safetensors (`ncl export --pytorch`): the model
// tensors only (no optimiser state), float32, under the DeepLabV3+ names a PyTorch module of the
// same layout has (scripts/ncl_pytorch.py builds one), with every BatchNorm's int64
// `num_batches_tracked` counter added, so `load_state_dict(strict=True)` accepts it. The metadata
// carries what a PyTorch user needs to run the model the way ncl does (docs/training.md).
import type { StoredArray } from '../io/safetensors.ts';
import { saveSafetensors } from '../io/safetensors-file.ts';
import { BN_EPS, BN_MOMENTUM } from '../nn/batchnorm.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from './preprocess.ts';
import { headsFor } from './method/roles.ts';
import { modelConfigOf } from './train/config.ts';
import type { Checkpoint } from './train/checkpoint-codec.ts';

export const EXPORT_FORMAT = 'ncl-pytorch-state-dict/1';

export interface PytorchExport {
  tensors: Map<string, StoredArray>;
  metadata: Record<string, string>;
}

/** The state dict and metadata of a checkpoint's network. */
export function pytorchExport(checkpoint: Checkpoint): PytorchExport {
  const { config } = checkpoint;
  const model = modelConfigOf(config);
  // PyTorch counts the batches each BN layer saw in training mode: the run's micro-batches.
  const batchesSeen = BigInt64Array.of(BigInt(checkpoint.step * config.accumulate));
  const tensors = new Map<string, StoredArray>();
  for (const [name, value] of checkpoint.model) {
    tensors.set(name, value);
    if (name.endsWith('.running_var')) tensors.set(name.replace(/running_var$/, 'num_batches_tracked'), { shape: [], data: batchesSeen });
  }
  const size = model.inputSize;
  const metadata: Record<string, string> = {
    'ncl.format': EXPORT_FORMAT,
    'ncl.preset': config.preset,
    'ncl.model': JSON.stringify(model),
    'ncl.heads': JSON.stringify([...headsFor(config.ncl.roleSwitch).map((b) => `branch_${b}`), ...(config.ncl.lambdaContour > 0 ? ['contour_head'] : [])]),
    'ncl.step': String(checkpoint.step),
    'ncl.config': JSON.stringify(config),
    'ncl.input': `float32 [B, 3, ${size}, ${size}]: RGB in [0, 1] resized bilinearly to ${size}×${size}, each channel normalised as (x − mean) / std with mean [${IMAGENET_MEAN}] and std [${IMAGENET_STD}]`,
    'ncl.output':
      `logits [B, 2, ${size}, ${size}] (channel 1 = tampered; p = softmax over channels): decoder.last_conv.8 applied to the pivot, upsampled bilinearly with align_corners=True. ` +
      `Pivot: the output of decoder.last_conv steps 0-7, [B, ${model.pivotChannels}, ${size / 4}, ${size / 4}]. ` +
      `branch_t / branch_a: projection heads on the pivot giving per-pixel embeddings [B, ${model.embedDim}, ${size / 4}, ${size / 4}] (before patch pooling and L2 normalisation). ` +
      `contour_head (when trained with the contour loss): a 1×1 convolution on the pivot giving contour logits [B, 1, ${size / 4}, ${size / 4}]`,
    'ncl.batchnorm': `eps ${BN_EPS}, momentum ${BN_MOMENTUM}`,
  };
  return { tensors, metadata };
}

/** Writes the export atomically; returns what it wrote. */
export function writePytorchExport(path: string, checkpoint: Checkpoint): PytorchExport {
  const out = pytorchExport(checkpoint);
  saveSafetensors(path, out.tensors, out.metadata);
  return out;
}
