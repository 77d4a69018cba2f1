// A kernel's interface declared once (src/runtime/kernel-interface.ts): the WGSL header generated
// from it, the uniforms packed by name (hand-computed words), and the launch's checks — a swapped,
// missing or extra param, a missing or unknown binding, a storage of the wrong dtype or element
// size are each an error naming the kernel, the field or binding, and the dtypes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packParams, wgslHeader, type KernelInterface } from '../../src/runtime/kernel-interface.ts';
import { declaredKernel, launch, shader } from '../../src/kernels/launch.ts';
import { Storage } from '../../src/storage/storage.ts';
import { device } from '../helpers/setup.ts';

const ROWS = { struct: 'Row', fields: { id: 'i32', weight: 'f32' }, dtype: 'u32' } as const;
const EXAMPLE = { reads: { x: 'vec4<f32>', rows: ROWS }, writes: { y: 'f32' }, params: { n: 'u32', scale: 'f32', shape: 'vec4u[2]', shift: 'i32' } } as const satisfies KernelInterface;

test('the header declares the structs, the bindings in order (reads, writes, uniform) and Params', () => {
  assert.is(
    wgslHeader(EXAMPLE),
    [
      'struct Row { id: i32, weight: f32 }',
      '@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;',
      '@group(0) @binding(1) var<storage, read> rows: array<Row>;',
      '@group(0) @binding(2) var<storage, read_write> y: array<f32>;',
      'struct Params { n: u32, scale: f32, shape: array<vec4<u32>, 2>, shift: i32 }',
      '@group(0) @binding(3) var<uniform> params: Params;',
    ].join('\n'),
  );
});

test('a per-item kernel gets params.items first and an entry point that calls item(i) below it', () => {
  const header = wgslHeader({ reads: {}, writes: { y: 'f32' }, params: { v: 'f32' }, perItem: true });
  assert.match(header, /struct Params \{ items: u32, v: f32 \}/);
  assert.match(header, /@compute @workgroup_size\(\{\{WG\}\}\)\nfn main\(/);
  assert.match(header, /if \(i < params\.items\) \{\n {4}item\(i\);/);
});

test('params are packed by name in declaration order, vec4 arrays 16-byte aligned, padded to 16 bytes', () => {
  // Given in another order than declared: packing goes by name.
  const buffer = packParams('example', EXAMPLE, { shift: -2, shape: [3, 4, 5], scale: 0.5, n: 7 })!;
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  assert.is(buffer.byteLength, 64, 'n, scale, 2 pad words, 8 shape words, shift, 3 pad words');
  assert.is(u[0], 7);
  assert.is(f[1], 0.5);
  assert.equal([...u.slice(2, 12)], [0, 0, 3, 4, 5, 0, 0, 0, 0, 0]);
  assert.is(new Int32Array(buffer)[12], -2);
});

test('a missing, extra or ill-typed param is an error naming the kernel and the field', () => {
  const values = { n: 7, scale: 0.5, shape: [1], shift: 0 };
  const { scale: _, ...missing } = values;
  assert.throws(() => packParams('example', EXAMPLE, missing), /kernel example: param 'scale' \(f32\) is missing/);
  assert.throws(() => packParams('example', EXAMPLE, { ...values, scael: 1 }), /kernel example: no param 'scael' \(params: n, scale, shape, shift\)/);
  assert.throws(() => packParams('example', EXAMPLE, { ...values, n: -1 }), /kernel example: param 'n' must be a u32, got -1/);
  assert.throws(() => packParams('example', EXAMPLE, { ...values, n: 2.5 }), /param 'n' must be a u32, got 2.5/);
  assert.throws(() => packParams('example', EXAMPLE, { ...values, shape: 3 }), /param 'shape' takes a list of at most 8 u32s, got 3/);
  assert.throws(() => packParams('example', EXAMPLE, { ...values, shape: new Array(9).fill(0) }), /at most 8 u32s, got 9 values/);
});

const COPY = shader('fill', { reads: {}, writes: { dst: 'f32' }, params: { value: 'f32' }, perItem: true });

test('a launch checks each binding: dtype, element size, missing and unknown names', async () => {
  await device();
  const k = declaredKernel(COPY, 'fill');
  const ints = Storage.fromArray([1, 2, 3], [3], 'u32');
  assert.throws(() => launch({ op: 't', kernel: k, reads: {}, writes: { dst: ints }, params: { value: 1 }, items: 3 }), /kernel fill: binding 'dst' takes f32, got u32 storage of shape \[3\]/);
  ints.dispose();
  const floats = Storage.fromArray([1, 2, 3], [3]);
  const loose = launch as (l: unknown) => void; // what a caller without the types could pass
  assert.throws(() => loose({ op: 't', kernel: k, reads: {}, writes: {}, params: { value: 1 }, items: 3 }), /kernel fill: binding 'dst' \(writes\) has no storage/);
  assert.throws(() => loose({ op: 't', kernel: k, reads: { src: floats }, writes: { dst: floats }, params: { value: 1 }, items: 3 }), /kernel fill: no binding 'src' among its reads \(none\)/);
  assert.throws(() => loose({ op: 't', kernel: k, reads: {}, writes: { dst: floats }, params: {}, items: 3 }), /kernel fill: param 'value' \(f32\) is missing/);
  const vec4 = declaredKernel(shader('fill', { reads: {}, writes: { dst: 'vec4<f32>' }, params: { value: 'f32' }, perItem: true }), 'fill');
  assert.throws(() => launch({ op: 't', kernel: vec4, reads: {}, writes: { dst: floats }, params: { value: 1 }, items: 3 }), /kernel fill: binding 'dst' reads 4 values per element, got 3 \(shape \[3\]\)/);
  launch({ op: 't', kernel: k, reads: {}, writes: { dst: floats }, params: { value: 2 }, items: 3 });
  assert.equal([...(await floats.read())], [2, 2, 2]);
  floats.dispose();
});

test.run();
