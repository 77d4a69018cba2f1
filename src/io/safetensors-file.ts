// safetensors files on disk (the format: safetensors.ts): written atomically, so a crash mid-write
// leaves the previous file intact; read with the file named in every error; their checksums through
// Node's OpenSSL, about 25 times faster than the plain-TypeScript hash a browser uses (the same
// digest: test/common/sha256-node.test.ts). Node only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.ts';
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile, type StoredArray } from './safetensors.ts';

/** SHA-256 through node:crypto (a `Digest` of safetensors.ts). */
export function nodeSha256Hex(chunks: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return hash.digest('hex');
}

export function saveSafetensors(path: string, tensors: Map<string, StoredArray>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, nodeSha256Hex));
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
  return decodeSafetensors(readCheckpointBytes(path), path, nodeSha256Hex);
}
