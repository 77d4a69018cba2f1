// safetensors files on disk (the format: safetensors.ts): written atomically, so a crash mid-write
// leaves the previous file intact; read with the file named in every error. Node only.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile, type StoredArray } from './safetensors.ts';

export function saveSafetensors(path: string, tensors: Map<string, StoredArray>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** A checkpoint file's bytes; a file that cannot be read is an error naming it. */
export function readCheckpointBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read checkpoint ${path}: ${(e as Error).message}`);
  }
}

export function loadSafetensors(path: string): SafetensorsFile {
  return decodeSafetensors(readCheckpointBytes(path), path);
}
