// The runtime: pipeline cache, buffer size classes, and the command line's view of the adapter
// (submits and read-backs: test/runtime/queue.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as ncl from '../../src/index.ts';
import { runtime } from '../../src/runtime/context.ts';
import { adapterTraits } from '../../src/runtime/adapter.ts';
import { sizeClass } from '../../src/runtime/buffer-pool.ts';
import { expandedSource, shaderSource } from '../../src/runtime/pipelines.ts';
import { UNARY } from '../../src/kernels/elementwise.ts';
import { assertClose, device } from '../helpers/setup.ts';

const cli = new URL('../../bin/ncl.js', import.meta.url).pathname;

test.before(async () => {
  await device();
});

test('a specialised kernel compiles once and is then taken from the cache', async () => {
  const rt = runtime();
  const before = rt.pipelines.size;
  const first = rt.kernel('cache-test', 'unary', { EXPR: 'x * 3.25 + p', WG: 64 }, UNARY.iface);
  for (let i = 0; i < 5; i++) assert.is(rt.kernel('cache-test', 'unary', { EXPR: 'x * 3.25 + p', WG: 64 }, UNARY.iface), first);
  assert.is(rt.pipelines.size, before + 1);
  // Another specialisation of the same file is another pipeline.
  assert.is.not(rt.kernel('cache-test', 'unary', { EXPR: 'x * 3.25 + p', WG: 128 }, UNARY.iface), first);
  assert.is(rt.pipelines.size, before + 2);
  await rt.sync();
});

test('an included shader file keeps its own line numbers in the line map', () => {
  const src = expandedSource('contrastive_forward');
  const text = src.text.split('\n');
  assert.is(text.length, src.lines.length);
  const tm = text.findIndex((l) => l.startsWith('const TM: u32'));
  const tmInTile = shaderSource('contrastive_tile').split('\n').findIndex((l) => l.startsWith('const TM: u32'));
  assert.equal(src.lines[tm], { file: 'contrastive_tile', line: tmInTile + 1 });
  const main = text.findIndex((l) => l.startsWith('fn main('));
  assert.is(src.lines[main]!.file, 'contrastive_forward');
  assert.is(shaderSource('contrastive_forward').split('\n')[src.lines[main]!.line - 1], text[main]);
  assert.not.match(src.text, /\/\/! include/);
});

test('a compile error points at the file and line the code came from', async () => {
  const rt = runtime();
  const body = 'fn helper() -> f32 {\n  return 1.0;\n}\n@compute @workgroup_size(1)\nfn main() {\n  let y: f32 = no_such_name;\n}\n';
  const lines = body.split('\n').map((_, i) => (i < 3 ? { file: 'lib', line: i + 10 } : { file: 'kernel', line: i - 2 }));
  rt.pipelines.compile('mapped-error-test', 'kernel', body, lines);
  try {
    await rt.sync();
    assert.unreachable('the compile error should surface');
  } catch (e) {
    // Line 6 of the text is line 3 of "kernel" (after three lines of "lib").
    assert.match((e as Error).message, /shaders\/kernel\.wgsl:3:\d+/);
  }
});

test('an include chosen by a constant: the named file with it, every file it may name without (the tuning key)', () => {
  const tree = /fn workgroup_sum\(lane: Lane/;
  const both = expandedSource('batchnorm_sums');
  assert.ok(both.text.includes('var<workgroup> tree') && both.text.includes('subgroupAdd'), 'both helpers hashed');
  const chosen = expandedSource('batchnorm_sums', { SUM: 'workgroup_sum' });
  assert.match(chosen.text, tree);
  assert.not.match(chosen.text, /subgroupAdd/);
  assert.equal(chosen.choosers, ['SUM']);
  assert.is(chosen.text.split('\n').length, chosen.lines.length);
  assert.throws(() => expandedSource('batchnorm_sums', { SUM: 'unary' }), /\{\{SUM\}\} must name one of workgroup_sum, subgroup_sum, got unary/);
});

test('a directive anywhere in a kernel moves to the top of its module, and errors keep their lines', async () => {
  const rt = runtime();
  const body = '@group(0) @binding(0) var<storage, read_write> o: array<f32>;\ndiagnostic(off, derivative_uniformity);\n@compute @workgroup_size(1)\nfn main() {\n  o[0] = no_such_name;\n}\n';
  const k = rt.pipelines.compile('directive-test', 'kernel', body);
  assert.ok(k.code.startsWith('diagnostic(off, derivative_uniformity);\n'), 'the directive leads the module');
  try {
    await rt.sync();
    assert.unreachable('the compile error should surface');
  } catch (e) {
    assert.match((e as Error).message, /shaders\/kernel\.wgsl:5:\d+/);
  }
});

test('with poisoning on, a buffer handed out holds NaN until a kernel writes it', async () => {
  const rt = runtime();
  const was = rt.pool.poison;
  rt.pool.poison = true;
  const unwritten = ncl.Tensor.empty([3, 50]);
  const values = await unwritten.data();
  assert.ok(values.every(Number.isNaN), 'every element NaN');
  unwritten.dispose();
  await rt.sync(); // the buffer is free again and handed out again, poisoned again
  const written = ncl.mulScalar(ncl.tensor(Float32Array.from({ length: 150 }, (_, i) => i), [3, 50]), 2);
  assert.equal(Array.from((await written.data()).slice(0, 3)), [0, 2, 4]);
  rt.pool.poison = was;
});

test('a kernel output reuses a buffer released since the last submit, without a submit', async () => {
  const rt = runtime();
  await rt.sync();
  // A size no other test uses, so that x's buffer is the only one of its class not in use.
  const n = 12347;
  const x = ncl.tensor(Float32Array.from({ length: n }, (_, i) => i), [n]);
  const y = ncl.mulScalar(x, 2); // recorded: reads x
  const created = rt.pool.stats().created;
  const submits = rt.submits;
  const xBuffer = x.storage.buffer.buffer;
  x.dispose();
  const w = ncl.mulScalar(y, 3); // its output takes x's buffer; it runs after y's kernel read x
  assert.ok(w.storage.buffer.buffer === xBuffer, "w's output is x's old buffer");
  assert.is(rt.pool.stats().created, created);
  assert.is(rt.submits, submits);
  const [ys, ws] = [await y.data(), await w.data()];
  assert.ok(ys.every((v, i) => v === 2 * i) && ws.every((v, i) => v === 6 * i));
  y.dispose();
  w.dispose();
});

test('an upload never lands in a buffer that recorded work may still read', async () => {
  const rt = runtime();
  await rt.sync();
  const x = ncl.tensor([1, 2, 3, 4], [4]);
  const y = ncl.mulScalar(x, 2); // recorded, not submitted: reads x
  x.dispose();
  // queue.writeBuffer would land before y's kernel runs: the upload must get another buffer.
  const z = ncl.tensor([50, 60, 70, 80], [4]);
  assert.equal(Array.from(await y.data()), [2, 4, 6, 8]);
  assert.equal(Array.from(await z.data()), [50, 60, 70, 80]);
  y.dispose();
  z.dispose();
});

test('repeating the same work after a submit creates no buffer and no bind group', async () => {
  const rt = runtime();
  // The same work on new values each time, so a run whose dispatches did nothing would show.
  const work = (k: number) =>
    ncl.tidy(() => {
      const a = ncl.tensor(Float32Array.from({ length: 300 }, (_, i) => (i + k) / 300), [3, 100]);
      return ncl.sum(ncl.relu(ncl.mulScalar(ncl.add(a, a), 0.5)), 1);
    });
  for (let k = 0; k < 2; k++) {
    work(k).dispose();
    await rt.sync();
  }
  const created = rt.pool.stats().created;
  const bindGroups = rt.bindGroups.created;
  const out = work(2);
  await rt.sync();
  assert.is(rt.pool.stats().created, created);
  assert.is(rt.bindGroups.created, bindGroups);
  // Row r sums (100r + j + 2)/300 over j < 100.
  assertClose(await out.data(), [5150 / 300, 15150 / 300, 25150 / 300], 1e-4, 1e-5, 'row sums');
  out.dispose();
});

test('CPU adapter and loop cap come from the adapter, not the backend', () => {
  assert.equal(adapterTraits('OpenGL version 4.5 (Core Profile) Mesa 22.3.6 llvmpipe (LLVM 15.0.6, 256 bits)', false), { fallback: true, loopIterationCap: 65535 });
  assert.equal(adapterTraits('SwiftShader Device (Subzero) swiftshader', false), { fallback: true, loopIterationCap: null });
  assert.equal(adapterTraits('OpenGL version 4.6.0 NVIDIA 580.159 NVIDIA H200', false), { fallback: false, loopIterationCap: null });
  assert.equal(adapterTraits('Vulkan driver', true), { fallback: true, loopIterationCap: null });
});

test('size classes: at most 25 % slack, multiples of 4 bytes, at least 256', () => {
  for (const bytes of [1, 4, 255, 256, 257, 1000, 4096, 5000, 123457, 1e8]) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c >= 256 && c % 4 === 0, `${bytes} → ${c}`);
    if (bytes > 256) assert.ok(c <= bytes * 1.25 + 4, `${bytes} → ${c}`);
  }
});

test('ncl info --json names the adapter and its limits', () => {
  const info = JSON.parse(execFileSync(cli, ['info', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Record<string, unknown>;
  assert.type(info.backend, 'string');
  assert.type(info.adapter, 'string');
  assert.type(info.fallback, 'boolean');
  assert.type((info.limits as Record<string, number>).maxStorageBufferBindingSize, 'number');
  assert.is(info.adapter, runtime().adapter.description);
});

test('an unknown --backend is refused with the list of backends', () => {
  const r = spawnSync(cli, ['--backend', 'glide', 'info'], { encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /unknown backend 'glide'.*auto, vulkan, metal, d3d12, opengl/);
});

test.run();
