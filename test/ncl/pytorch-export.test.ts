// `ncl export --pytorch`: for both presets, ncl → export → import gives a bit-identical eval-mode
// forward; where a python3 with torch exists, scripts/ncl_pytorch.py loads the export strictly and
// its eval-mode outputs match ncl's (tolerance below); the CLI writes model tensors only; and the
// paper preset's `ncl predict` gives the same bytes for the same image twice.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, tensor, type Tensor } from '../../src/index.ts';
import { loadSafetensors } from '../../src/io/safetensors-file.ts';
import { NclNetwork } from '../../src/ncl/method/model/network.ts';
import { EXPORT_FORMAT, writePytorchExport } from '../../src/ncl/pytorch-export.ts';
import { findTorchPython } from '../../bench/peer.ts';
import { importPytorchDeepLab } from '../../src/ncl/pytorch-import.ts';
import { buildNetwork } from '../../src/ncl/train/checkpoint-codec.ts';
import { readCheckpoint, saveCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { resolveTrainConfig } from '../../src/ncl/train/config.ts';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { assertClose, device } from '../helpers/setup.ts';
import { ncl } from '../helpers/cli.ts';

const TORCH_SCRIPT = fileURLToPath(new URL('../../scripts/ncl_pytorch.py', import.meta.url));
const SIZE = 64;
const BATCH = 2;
const PRESETS = ['tiny', 'paper'] as const;

const torch = findTorchPython();

let dir = '';
let cleanup: () => Promise<void> = async () => {};
test.before(async () => {
  await device();
  ({ dir, cleanup } = await tempDir('export'));
});
test.after(() => cleanup());

function input(): Tensor {
  return tensor(Float32Array.from({ length: BATCH * 3 * SIZE * SIZE }, (_, i) => Math.sin(i * 0.29) * 1.5), [BATCH, 3, SIZE, SIZE]);
}

/** Logits, then the embeddings of branch T and A, of an eval-mode forward. */
async function evalOutputs(net: NclNetwork, x: Tensor): Promise<Float32Array[]> {
  net.eval();
  const out = noGrad(() => net.forward(x));
  const parts = [out.logits, out.embeddings.t!, out.embeddings.a!];
  const data = await Promise.all(parts.map((t) => t.data()));
  for (const t of [...parts, out.pivot]) t.dispose();
  return data;
}

/** A checkpoint of a network whose BN running statistics have moved (one training-mode forward). */
async function checkpointOf(preset: (typeof PRESETS)[number], step: number): Promise<{ path: string; net: NclNetwork }> {
  const config = resolveTrainConfig({ preset, model: { inputSize: SIZE }, accumulate: 3, seed: 5 });
  const net = buildNetwork(config);
  const x = input();
  noGrad(() => {
    const out = net.forward(x);
    for (const t of [out.logits, out.pivot, ...Object.values(out.embeddings)]) t.dispose();
  });
  x.dispose();
  const path = join(dir, `${preset}.ckpt.safetensors`);
  await saveCheckpoint(path, net, null, config, step);
  return { path, net };
}

const exported = new Map<string, { file: string; ncl: Float32Array[] }>();

for (const preset of PRESETS) {
  test(`${preset}: ncl → export → import gives a bit-identical eval forward`, async () => {
    const { path, net } = await checkpointOf(preset, 4);
    const file = join(dir, `${preset}.pytorch.safetensors`);
    writePytorchExport(file, readCheckpoint(path));

    const back = loadSafetensors(file);
    assert.is(back.metadata['ncl.format'], EXPORT_FORMAT);
    assert.is(back.metadata['ncl.preset'], preset);
    assert.equal(JSON.parse(back.metadata['ncl.heads']!), ['branch_t', 'branch_a']);
    assert.not.ok([...back.tensors.keys()].some((n) => n.startsWith('optimizer.')), 'model tensors only');
    const counters = [...back.unread].filter(([n]) => n.endsWith('.num_batches_tracked'));
    const bnLayers = [...back.tensors.keys()].filter((n) => n.endsWith('.running_var')).length;
    assert.ok(bnLayers > 0 && counters.length === bnLayers, `${counters.length} counters for ${bnLayers} BN layers`);
    assert.ok(counters.every(([, t]) => t.dtype === 'I64' && t.shape.length === 0));
    assert.is(back.unread.size, counters.length);

    const target = new NclNetwork(net.config, ['t', 'a'], 99);
    const report = await importPytorchDeepLab(file, target);
    assert.equal(report.keptInitialised, []);
    assert.is(report.ignored.length, bnLayers);
    const x = input();
    const [want, got] = [await evalOutputs(net, x), await evalOutputs(target, x)];
    want.forEach((w, i) => assert.ok(Buffer.from(w.buffer).equals(Buffer.from(got[i]!.buffer)), `output ${i} differs after the round trip`));
    exported.set(preset, { file, ncl: want });
    x.dispose();
    net.dispose();
    target.dispose();
  });
}

// ncl and PyTorch sum in different orders: relative to each output's largest magnitude
// (atol = 1e-4 · max|want|, rtol 1e-3); a wrong layer or name is off by orders of magnitude.
for (const preset of PRESETS) {
  const name = `${preset}: PyTorch loads the export strictly and matches ncl's eval outputs`;
  if (!torch.python) {
    test.skip(`${name} (skipped: ${torch.reason})`, () => {});
    continue;
  }
  test(name, async () => {
    const entry = exported.get(preset);
    if (!entry) throw new Error('the round-trip test writes the export first');
    const { file, ncl } = entry;
    const x = input();
    const inPath = join(dir, `${preset}.in.f32`);
    const outPath = join(dir, `${preset}.out.f32`);
    writeFileSync(inPath, await x.data());
    x.dispose();
    const r = spawnSync(torch.python!, [TORCH_SCRIPT, file, '--forward', inPath, outPath, '--batch', String(BATCH)], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const bytes = readFileSync(outPath);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    let offset = 0;
    for (const [i, want] of ncl.entries()) {
      const got = all.subarray(offset, offset + want.length);
      offset += want.length;
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assertClose(got, want, 1e-4 * scale, 1e-3, `${preset} output ${['logits', 'branch_t', 'branch_a'][i]}`);
    }
    assert.is(offset, all.length);
  });
}


test('ncl export: writes the file, refuses to replace it without --force, names a bad checkpoint', async () => {
  const checkpoint = join(dir, 'paper.ckpt.safetensors');
  const out = join(dir, 'cli.safetensors');
  const first = await ncl('export', '--pytorch', out, '--checkpoint', checkpoint);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /of the paper network after 4 steps; heads branch_t, branch_a/);
  const again = await ncl('export', '--pytorch', out, '--checkpoint', checkpoint);
  assert.is(again.code, 1);
  assert.match(again.stderr, /cli\.safetensors exists; pass --force/);
  assert.is((await ncl('export', '--pytorch', out, '--checkpoint', checkpoint, '--force')).code, 0);
  const notCheckpoint = await ncl('export', '--pytorch', join(dir, 'x.safetensors'), '--checkpoint', out);
  assert.is(notCheckpoint.code, 1);
  assert.match(notCheckpoint.stderr, /cli\.safetensors is not an ncl checkpoint/);
});

test('paper preset: ncl predict gives the same bytes for the same image twice', async () => {
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 5, size: 80, seed: 2 });
  const images = join(dir, 'images');
  const source = join(dir, 'synth', 'test', 'Tp');
  const first = readdirSync(source).sort()[0]!;
  mkdirSync(images);
  copyFileSync(join(source, first), join(images, 'a.png'));
  copyFileSync(join(source, first), join(images, 'b.png'));
  const out = join(dir, 'pred');
  const r = await ncl('predict', '--checkpoint', join(dir, 'paper.ckpt.safetensors'), '--input', images, '--out', out);
  assert.is(r.code, 0, r.stderr);
  for (const kind of ['prob', 'mask']) assert.ok(readFileSync(join(out, `a.${kind}.png`)).equals(readFileSync(join(out, `b.${kind}.png`))), `${kind} PNGs differ`);
});

test.run();
