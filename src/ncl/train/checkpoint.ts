// Checkpoint files (their bytes: checkpoint-codec.ts): written atomically, so a crash mid-write
// leaves the previous checkpoint readable; read with the file named in every error. Node only.
import { writeFileAtomic } from '../../io/atomic-write.ts';
import { nodeSha256Hex, readCheckpointBytes } from '../../io/safetensors-file.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { captureState, decodeCheckpoint, encodeCheckpoint, networkFromCheckpoint, type Checkpoint, type RunState } from './checkpoint-codec.ts';
import type { TrainConfig } from './config.ts';
import type { DataRecord } from './run-data.ts';

/** Writes a captured state as the checkpoint of `step` (atomically). */
export function writeCheckpoint(path: string, state: RunState, config: TrainConfig, step: number, data: DataRecord | null = null): void {
  writeFileAtomic(path, encodeCheckpoint(state, config, step, data, nodeSha256Hex));
}

export async function saveCheckpoint(path: string, net: NclNetwork, optimizer: Optimizer | null, config: TrainConfig, step: number, data: DataRecord | null = null): Promise<void> {
  writeCheckpoint(path, await captureState(net, optimizer), config, step, data);
}

export function readCheckpoint(path: string): Checkpoint {
  return decodeCheckpoint(readCheckpointBytes(path), path, nodeSha256Hex);
}

/** A network with a checkpoint's weights, in eval mode. */
export function loadNetwork(path: string): { net: NclNetwork; checkpoint: Checkpoint } {
  const checkpoint = readCheckpoint(path);
  return { net: networkFromCheckpoint(checkpoint, path), checkpoint };
}
