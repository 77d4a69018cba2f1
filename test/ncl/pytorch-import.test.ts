// Loading a PyTorch DeepLabV3+ state dict exported to safetensors, on a synthetic export: the
// "module." prefix and int64 num_batches_tracked counters of a real export, no branch heads; a
// tensor the network needs in another dtype is named.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredArray } from '../../src/io/safetensors.ts';
import { saveSafetensors } from '../../src/io/safetensors-file.ts';
import { modelConfig } from '../../src/ncl/method/model/config.ts';
import { NclNetwork } from '../../src/ncl/method/model/network.ts';
import { importPytorchDeepLab } from '../../src/ncl/pytorch-import.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { f32Bytes, rawSafetensors } from '../helpers/raw-safetensors.ts';
import { device } from '../helpers/setup.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
test.before(async () => {
  await device();
  ({ dir, cleanup } = await tempDir('torch'));
});
test.after(() => cleanup());

/** What torch's state_dict of a DataParallel DeepLabV3+ with this network's trunk looks like. */
async function syntheticExport(source: NclNetwork, classes = 2): Promise<Map<string, StoredArray>> {
  const out = new Map<string, StoredArray>();
  for (const [name, value] of await source.exportState()) {
    if (name.startsWith('branch_')) continue;
    const head = name.startsWith('decoder.last_conv.8.') && classes !== 2;
    const shape = head ? [classes, ...value.shape.slice(1)] : value.shape;
    out.set(`module.${name}`, head ? { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) } : value);
    if (name.endsWith('.running_var')) out.set(`module.${name.replace(/running_var$/, 'num_batches_tracked')}`, { shape: [], data: BigInt64Array.of(7n) });
  }
  return out;
}

test('trunk weights and BN statistics load by name; branch heads keep their initialisation', async () => {
  const config = modelConfig('tiny', { inputSize: 64 });
  const source = new NclNetwork(config, ['t', 'a'], 1);
  const path = join(dir, 'deeplab.safetensors');
  saveSafetensors(path, await syntheticExport(source));
  const target = new NclNetwork(config, ['t', 'a'], 2);
  const branchBefore = await target.stateTensors().get('branch_a.0.weight')!.data();
  const report = await importPytorchDeepLab(path, target);
  assert.ok(report.ignored.length > 0 && report.ignored.every((n) => n.endsWith('num_batches_tracked')));
  assert.ok(report.keptInitialised.length > 0 && report.keptInitialised.every((n) => n.startsWith('branch_')));
  const [a, b] = await Promise.all([source.exportState(), target.exportState()]);
  for (const [name, value] of a) {
    if (name.startsWith('branch_')) continue;
    assert.equal(Array.from(b.get(name)!.data), Array.from(value.data), name);
  }
  assert.equal(Array.from(b.get('branch_a.0.weight')!.data), Array.from(branchBefore));
});

test('a classifier of another class count is an error naming it, or skipped with skipHead', async () => {
  const config = modelConfig('tiny', { inputSize: 64 });
  const path = join(dir, 'voc.safetensors');
  saveSafetensors(path, await syntheticExport(new NclNetwork(config, [], 1), 21));
  const target = new NclNetwork(config, [], 3);
  await importPytorchDeepLab(path, target).then(
    () => assert.unreachable('should have thrown'),
    (e: Error) => assert.match(e.message, /decoder\.last_conv\.8\.weight' has shape \[21,48,1,1\], the model expects \[2,48,1,1\]/),
  );
  const report = await importPytorchDeepLab(path, target, { skipHead: true });
  assert.equal(report.keptInitialised, ['decoder.last_conv.8.weight', 'decoder.last_conv.8.bias']);
});

test('a tensor the network needs in half precision is named with its dtype', async () => {
  const config = modelConfig('tiny', { inputSize: 64 });
  const target = new NclNetwork(config, [], 4);
  const entries = [...(await target.exportState())].map(([name, v]) => ({ name, dtype: 'F32', shape: v.shape, bytes: f32Bytes(Array.from(v.data)) }));
  const conv = entries.find((e) => e.name === 'backbone.conv1.weight')!;
  Object.assign(conv, { dtype: 'F16', bytes: new Uint8Array(conv.bytes.byteLength / 2) });
  const path = join(dir, 'half.safetensors');
  writeFileSync(path, rawSafetensors(entries));
  await importPytorchDeepLab(path, target).then(
    () => assert.unreachable('should have thrown'),
    (e: Error) => assert.match(e.message, /half\.safetensors: tensor 'backbone\.conv1\.weight' is F16; ncl needs the network's tensors in float32/),
  );
});

test.run();
