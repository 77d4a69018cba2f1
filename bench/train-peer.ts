// The train workload of the PyTorch peer (bench/peer_torch.py train): what ncl's bench trains on,
// written to files, so PyTorch runs its step on the same weights, batch and patch sample: the
// network as an `ncl export --pytorch` file (whose metadata holds the model and NCL options), the
// images ([B, 3, S, S] float32) and masks ([B, S, S] uint8) as raw little-endian files, and the
// sampled patch rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchorProjection } from '../src/ncl/method/pivot-anchor.ts';
import { writePytorchExport } from '../src/ncl/pytorch-export.ts';
import type { PatchPlan, TrainingBatch } from '../src/ncl/method/step.ts';
import type { NclNetwork } from '../src/ncl/method/model/network.ts';
import { optimizerSettings, type TrainConfig } from '../src/ncl/train/config.ts';

export interface TrainPeerSpec {
  export: string;
  images: string;
  masks: string;
  batch: number;
  /** The sampled patch rows (none when the mode has no contrastive term). */
  rows: number[];
  /** AdamW's settings as ncl resolves them (the config may leave them to the defaults). */
  lr: number;
  weightDecay: number;
  /** R of L_pc held to the pivot (docs/method.md 5.7b), raw float32 [C, D], when the config uses it. */
  anchorProjection?: string;
  anchorProjectionShape?: [number, number];
}

/** Writes the workload into `dir` and returns the spec peer_torch.py reads. */
export async function writeTrainPeerSpec(dir: string, net: NclNetwork, config: TrainConfig, batch: TrainingBatch, plan: PatchPlan | null): Promise<TrainPeerSpec> {
  if (config.optimizer !== 'adamw') throw new Error(`the PyTorch train peer runs AdamW, the config has ${config.optimizer}`);
  const spec: TrainPeerSpec = {
    export: join(dir, 'peer-model.safetensors'),
    images: join(dir, 'peer-images.f32'),
    masks: join(dir, 'peer-masks.u8'),
    batch: batch.images.shape[0]!,
    rows: plan ? Array.from(plan.sample.rows) : [],
    ...optimizerSettings(config),
  };
  writePytorchExport(spec.export, { config, step: 0, model: await net.exportState(), optimizer: new Map(), optimizerSteps: 0, variants: {}, data: null });
  writeFileSync(spec.images, await batch.images.data());
  writeFileSync(spec.masks, batch.masks);
  if (config.ncl.consistencyTarget === 'pivot') {
    const [channels, embedDim] = [net.config.pivotChannels, net.config.embedDim];
    Object.assign(spec, { anchorProjection: join(dir, 'peer-anchor-projection.f32'), anchorProjectionShape: [channels, embedDim] });
    writeFileSync(spec.anchorProjection!, anchorProjection(channels, embedDim));
  }
  return spec;
}
