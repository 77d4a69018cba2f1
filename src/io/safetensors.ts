// The safetensors format: an 8-byte little-endian header length n, n bytes of JSON header, then
// the raw tensor data. The header maps each tensor name to { dtype, shape, data_offsets: [begin,
// end) } relative to the data section, plus an optional "__metadata__" map of strings.
// ncl computes in f32: it writes F32 (and I64 for PyTorch's integer counters, `ncl export`) and
// reads the values of F32 tensors only; tensors of any other dtype of the format are listed by
// name, dtype and shape, so a reader can ignore those it does not need and name those it does.
// ncl adds a SHA-256 of the data section to the metadata ("ncl.sha256"), checked on load, so a
// damaged file is reported rather than loaded. Bytes only, in Node and in a browser; files are
// safetensors-file.ts's.
import { sha256Hex } from '../common/sha256.ts';

/** SHA-256 of chunks in order, as hex: plain TypeScript by default, Node's OpenSSL for files (safetensors-file.ts). */
export type Digest = (chunks: readonly Uint8Array[]) => string;

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** What can be written: f32 values, or int64 ones (PyTorch's `num_batches_tracked`). */
export interface StoredArray {
  shape: number[];
  data: Float32Array | BigInt64Array;
}

/** A tensor whose values were not read: its dtype is not F32. */
export interface UnreadTensor {
  dtype: string;
  shape: number[];
}

export interface SafetensorsFile {
  /** The F32 tensors, with their values. */
  tensors: Map<string, NamedArray>;
  /** Tensors of other dtypes (int64 counters, half-precision weights …): names, dtypes, shapes. */
  unread: Map<string, UnreadTensor>;
  metadata: Record<string, string>;
}

/** Bytes per element of each dtype of the format. */
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

const CHECKSUM_KEY = 'ncl.sha256';

export function encodeSafetensors(tensors: Map<string, StoredArray>, metadata: Record<string, string> = {}, digest: Digest = sha256Hex): Uint8Array[] {
  const header: Record<string, unknown> = {};
  const names = [...tensors.keys()].sort();
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor '${name}': shape [${t.shape}] needs ${count} values, has ${t.data.length}`);
    header[name] = { dtype: t.data instanceof BigInt64Array ? 'I64' : 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const data = names.map((n) => {
    const d = tensors.get(n)!.data;
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  });
  header.__metadata__ = { ...metadata, [CHECKSUM_KEY]: digest(data) };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // keep the data section 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  return [size, headerBytes, ...data];
}

/** Reads a file's bytes; `path` names it in errors. */
export function decodeSafetensors(bytes: Uint8Array, path = '<memory>', digest: Digest = sha256Hex): SafetensorsFile {
  const fail = (why: string): never => {
    throw new Error(`${path} is not a valid safetensors file: ${why}`);
  };
  if (bytes.byteLength < 8) fail('shorter than its 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.byteLength) fail(`header length ${n} runs past the end of the file (${bytes.byteLength} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  const data = bytes.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, NamedArray>();
  const unread = new Map<string, UnreadTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const bytesPer = DTYPE_BYTES[dtype];
    if (bytesPer === undefined) fail(`tensor '${name}' has dtype '${dtype}', which is not a safetensors dtype`);
    const [begin, end] = offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * bytesPer! || end > data.byteLength) fail(`tensor '${name}' ${dtype} [${shape}] has data_offsets [${begin}, ${end}) of a ${data.byteLength}-byte data section`);
    if (dtype !== 'F32') {
      unread.set(name, { dtype, shape });
      continue;
    }
    const copy = new Float32Array(count);
    new Uint8Array(copy.buffer).set(data.subarray(begin, end));
    tensors.set(name, { shape, data: copy });
  }
  const expected = metadata[CHECKSUM_KEY];
  if (expected !== undefined) {
    const actual = digest([data]);
    if (actual !== expected) fail(`checksum mismatch (stored ${expected.slice(0, 12)}…, data ${actual.slice(0, 12)}…): the file is damaged`);
  }
  const userMetadata = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== CHECKSUM_KEY));
  return { tensors, unread, metadata: userMetadata };
}
