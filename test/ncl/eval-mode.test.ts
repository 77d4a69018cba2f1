// Eval mode reaches every layer of every preset: a walk over everything a network holds finds each
// object with a `training` flag (dropout, batch norm, any module) and fails on one that `eval()`
// left in training mode, whether or not it was registered as a child; and two eval-mode forwards of
// the same input give the same bits.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, tensor } from '../../src/index.ts';
import { Tensor } from '../../src/autograd/tensor.ts';
import { Dropout, dropoutStream } from '../../src/nn/dropout.ts';
import { Module } from '../../src/nn/module.ts';
import { modelConfig, PRESETS, type PresetName } from '../../src/ncl/method/model/config.ts';
import { NclNetwork } from '../../src/ncl/method/model/network.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

/** Paths (from the root) of every object reachable from `root` that has a boolean `training` field set. */
function stillTraining(root: object): { training: string[]; flagged: number; dropouts: number } {
  const seen = new Set<object>();
  const training: string[] = [];
  let flagged = 0;
  let dropouts = 0;
  const visit = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    if (value instanceof Tensor || ArrayBuffer.isView(value)) return; // data, not layers
    seen.add(value);
    if (value instanceof Dropout) dropouts++;
    const flag = (value as { training?: unknown }).training;
    if (typeof flag === 'boolean') {
      flagged++;
      if (flag) training.push(path || '(root)');
    }
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    for (const [key, child] of entries) visit(child, path ? `${path}.${String(key)}` : String(key));
  };
  visit(root, '');
  return { training, flagged, dropouts };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

test('the walk finds a dropout layer that eval() does not reach', () => {
  class Unregistered extends Module {
    readonly drop = new Dropout(0.5, dropoutStream());
  }
  const found = stillTraining(new Unregistered().eval());
  assert.equal(found.training, ['drop']);
});

for (const preset of Object.keys(PRESETS) as PresetName[]) {
  test(`${preset}: eval() reaches every layer with train/eval behaviour`, () => {
    const net = new NclNetwork(modelConfig(preset, { inputSize: 64 }), ['t', 'a'], 1);
    const before = stillTraining(net);
    assert.equal(before.training.length, before.flagged, 'a new network is in training mode');
    assert.equal(before.dropouts, 3, 'ASPP and decoder dropout layers are found');
    const after = stillTraining(net.eval());
    assert.equal(after.training, [], 'layers left in training mode');
    net.dispose();
  });

  test(`${preset}: two eval-mode forwards of the same input are bit-identical`, async () => {
    const net = new NclNetwork(modelConfig(preset, { inputSize: 64 }), ['t', 'a'], 2).eval();
    const input = tensor(Float32Array.from({ length: 2 * 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.61)), [2, 3, 64, 64]);
    const run = async () => {
      const out = noGrad(() => net.forward(input));
      const data = await Promise.all([out.logits, out.embeddings.t!, out.embeddings.a!].map((t) => t.data()));
      for (const t of [out.logits, out.pivot, out.embeddings.t!, out.embeddings.a!]) t.dispose();
      return data;
    };
    const [first, second] = [await run(), await run()];
    for (let i = 0; i < first.length; i++) assert.ok(sameBits(first[i]!, second[i]!), `output ${i} differs between runs`);
    input.dispose();
    net.dispose();
  });
}

test.run();
