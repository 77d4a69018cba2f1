// safetensors files and module state: exact round trips, damaged files reported by name, atomic
// replacement (a writer killed mid-write leaves the previous file readable), state loading errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ncl from '../../src/index.ts';
import { decodeSafetensors, type NamedArray } from '../../src/io/safetensors.ts';
import { loadSafetensors, saveSafetensors } from '../../src/io/safetensors-file.ts';
import { Module } from '../../src/nn/module.ts';
import { f32Bytes, rawSafetensors } from '../helpers/raw-safetensors.ts';
import { device, randomArr, rng } from '../helpers/setup.ts';

const random = rng(8);
const dir = mkdtempSync(join(tmpdir(), 'ncl-ckpt-'));

test.before(async () => {
  await device();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

function sample(): Map<string, NamedArray> {
  return new Map([
    ['b.bias', { shape: [3], data: Float32Array.from([1, -2, 3.5]) }],
    ['a.weight', { shape: [2, 3], data: Float32Array.from(randomArr([6], random).data) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

test('safetensors round trip is bit-exact and keeps the metadata', () => {
  const path = join(dir, 'a.safetensors');
  const tensors = sample();
  saveSafetensors(path, tensors, { step: '17', config: '{"preset":"tiny"}' });
  const back = loadSafetensors(path);
  assert.equal(back.metadata, { step: '17', config: '{"preset":"tiny"}' });
  assert.equal([...back.tensors.keys()].sort(), [...tensors.keys()].sort());
  for (const [name, t] of tensors) {
    assert.equal(back.tensors.get(name)!.shape, t.shape);
    assert.equal(Array.from(back.tensors.get(name)!.data), Array.from(t.data));
  }
  // The layout other readers expect: u64 header length, JSON, then data.
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; data_offsets: number[] }>;
  assert.is(header['a.weight']!.dtype, 'F32');
  assert.equal(header['a.weight']!.data_offsets, [0, 24]);
  assert.is(bytes.byteLength, 8 + n + 24 + 12);
});

test('tensors of other dtypes (an int64 counter, half precision) are listed, not refused', () => {
  const bytes = rawSafetensors([
    { name: 'bn.running_var', dtype: 'F32', shape: [2], bytes: f32Bytes([0.5, 2]) },
    { name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], bytes: new Uint8Array(new BigInt64Array([7n]).buffer) },
    { name: 'half', dtype: 'F16', shape: [3], bytes: new Uint8Array(6) },
  ]);
  const file = decodeSafetensors(bytes, 'torch.safetensors');
  assert.equal([...file.tensors.keys()], ['bn.running_var']);
  assert.equal(Array.from(file.tensors.get('bn.running_var')!.data), [0.5, 2]);
  assert.equal(Object.fromEntries(file.unread), { 'bn.num_batches_tracked': { dtype: 'I64', shape: [] }, half: { dtype: 'F16', shape: [3] } });
  // ncl writes int64 counters itself (ncl export --pytorch).
  const path = join(dir, 'counter.safetensors');
  saveSafetensors(path, new Map([['n', { shape: [], data: BigInt64Array.of(12n) }]]));
  assert.equal(Object.fromEntries(loadSafetensors(path).unread), { n: { dtype: 'I64', shape: [] } });
  const raw = readFileSync(path);
  assert.is(raw.readBigInt64LE(raw.byteLength - 8), 12n);
});

test('an unknown dtype or a byte count that does not fit the dtype is named', () => {
  const unknown = rawSafetensors([{ name: 'x', dtype: 'F33', shape: [1], bytes: new Uint8Array(4) }]);
  assert.throws(() => decodeSafetensors(unknown, 'u.safetensors'), /u\.safetensors.*'x' has dtype 'F33', which is not a safetensors dtype/);
  const short = rawSafetensors([{ name: 'c', dtype: 'I64', shape: [2], bytes: new Uint8Array(8) }]);
  assert.throws(() => decodeSafetensors(short, 's.safetensors'), /'c' I64 \[2\] has data_offsets \[0, 8\)/);
});

test('a damaged file is reported with its path and the reason', () => {
  const path = join(dir, 'damaged.safetensors');
  saveSafetensors(path, sample());
  const bytes = readFileSync(path);
  bytes[bytes.byteLength - 1]! ^= 0xff;
  writeFileSync(path, bytes);
  assert.throws(() => loadSafetensors(path), /damaged\.safetensors.*checksum mismatch/);
  writeFileSync(path, bytes.subarray(0, 20));
  assert.throws(() => loadSafetensors(path), /damaged\.safetensors.*runs past the end/);
  assert.throws(() => decodeSafetensors(new Uint8Array(3), 'x.safetensors'), /x\.safetensors.*shorter/);
});

test('a writer killed mid-write leaves the previous checkpoint intact', async () => {
  const path = join(dir, 'model.safetensors');
  saveSafetensors(path, sample(), { step: 'old' });
  const before = statSync(path).size;
  // A child process writes a 400 MB checkpoint to the same path and is killed while writing.
  const script = `
    import { saveSafetensors } from ${JSON.stringify(new URL('../../src/io/safetensors-file.ts', import.meta.url).pathname)};
    const big = new Map([['x', { shape: [100000000], data: new Float32Array(100000000) }]]);
    process.stdout.write('writing\\n');
    saveSafetensors(${JSON.stringify(path)}, big, { step: 'new' });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  // Kill it once the temporary file has data in it, i.e. in the middle of writing.
  const tmp = join(dir, `.model.safetensors.${child.pid}.tmp`);
  const deadline = Date.now() + 20000;
  while (!(existsSync(tmp) && statSync(tmp).size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  assert.ok(existsSync(tmp), 'the writer got as far as the temporary file');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.is(statSync(path).size, before);
  assert.is(loadSafetensors(path).metadata.step, 'old');
});

class Affine extends Module {
  readonly weight: ncl.Tensor;
  readonly bias: ncl.Tensor;
  constructor(inputs: number, outputs: number) {
    super();
    this.weight = this.param('weight', ncl.tensor(Float32Array.from(randomArr([outputs * inputs], random).data), [inputs, outputs]));
    this.bias = this.param('bias', ncl.zeros([outputs]));
  }
  forward(x: ncl.Tensor): ncl.Tensor {
    return ncl.add(ncl.matmul(x, this.weight), this.bias);
  }
}

class TwoLayer extends Module {
  readonly first = this.child('first', new Affine(4, 5));
  readonly second = this.child('second', new Affine(5, 2));
  readonly seen = this.buffer('seen', ncl.zeros([1]));
  forward(x: ncl.Tensor): ncl.Tensor {
    return this.second.forward(ncl.relu(this.first.forward(x)));
  }
}

test('module state: dotted names, save → load into a fresh module → identical outputs', async () => {
  const a = new TwoLayer();
  assert.equal(a.namedParameters().map(([n]) => n), ['first.weight', 'first.bias', 'second.weight', 'second.bias']);
  assert.equal(a.namedBuffers().map(([n]) => n), ['seen']);
  const path = join(dir, 'module.safetensors');
  saveSafetensors(path, await a.exportState());
  const b = new TwoLayer();
  b.loadState(loadSafetensors(path).tensors, { source: path });
  const x = ncl.tensor(Float32Array.from(randomArr([3 * 4], random).data), [3, 4]);
  assert.equal(Array.from(await b.forward(x).data()), Array.from(await a.forward(x).data()));
  a.dispose();
  b.dispose();
});

test('loading state names missing tensors and shape mismatches', () => {
  const m = new TwoLayer();
  const state = new Map<string, NamedArray>([['first.weight', { shape: [4, 5], data: new Float32Array(20) }]]);
  assert.throws(() => m.loadState(state, { source: 'ckpt.safetensors' }), /ckpt\.safetensors lacks 4 tensor\(s\).*first\.bias/);
  const wrong = new Map<string, NamedArray>([...m.namedParameters(), ...m.namedBuffers()].map(([n, t]) => [n, { shape: [...t.shape], data: new Float32Array(t.size) }]));
  wrong.set('second.weight', { shape: [2, 5], data: new Float32Array(10) });
  assert.throws(() => m.loadState(wrong), /'second\.weight' has shape \[2,5\], the model expects \[5,2\]/);
  wrong.set('second.weight', { shape: [5, 2], data: new Float32Array(10) });
  wrong.set('extra', { shape: [1], data: new Float32Array(1) });
  assert.throws(() => m.loadState(wrong), /does not: extra/);
  m.loadState(wrong, { allowUnused: true });
  m.dispose();
});

test.run();
