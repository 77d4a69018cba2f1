// safetensors bytes assembled by hand, independently of src/io/safetensors.ts: any dtype string,
// the values given as raw bytes, as PyTorch or another writer would lay them out.

export interface RawEntry {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

export function rawSafetensors(entries: RawEntry[]): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.byteLength] };
    offset += e.bytes.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.byteLength));
  return Buffer.concat([size, json, ...entries.map((e) => e.bytes)]);
}

/** Little-endian bytes of f32 values. */
export function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
