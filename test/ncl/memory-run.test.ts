// The in-memory training run (src/ncl/train/memory-run.ts), what the browser page trains with: its
// steps at the scheduled learning rate until it is done, the same losses whether or not the model
// predicts between steps (the page's live prediction), a checkpoint whose bytes decode to the run's
// state, config, step, optimiser state and data record, and the samples and options it refuses.
// (That its steps are the trainer's, bit for bit, and that `ncl train --resume` continues its
// checkpoint: memory-run-trainer.test.ts, on Node.)
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NamedArray } from '../../src/io/safetensors.ts';
import { predictProbability } from '../../src/ncl/inference.ts';
import { decodeCheckpoint, networkFromCheckpoint } from '../../src/ncl/train/checkpoint-codec.ts';
import { resolveTrainConfig, type TrainConfig } from '../../src/ncl/train/config.ts';
import type { StepRecord } from '../../src/ncl/train/log.ts';
import { MemoryRun, memoryDataRecord } from '../../src/ncl/train/memory-run.ts';
import { scheduleOf } from '../../src/ncl/train/optimizer.ts';
import { joined, memorySamples, untimed } from '../helpers/memory-samples.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

const samples = memorySamples(8, 1);

const config = (overrides: Partial<TrainConfig> = {}) =>
  resolveTrainConfig({ model: { inputSize: 64 }, batchSize: 2, steps: 3, warmupSteps: 1, checkpointEvery: 0, augment: 'geometric', seed: 7, ...overrides });


function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameTensors(got: Map<string, NamedArray>, want: Map<string, NamedArray>, what: string): void {
  assert.equal([...got.keys()].sort(), [...want.keys()].sort(), `${what}: names`);
  for (const [name, w] of want) {
    const g = got.get(name)!;
    assert.equal(g.shape, w.shape, `${what}: ${name} shape`);
    assert.ok(sameBytes(g.data, w.data), `${what}: ${name} differs`);
  }
}

test('three steps at the scheduled learning rate, then done; predicting between steps changes nothing; the checkpoint holds the run', async () => {
  const c = config();
  const schedule = scheduleOf(c);
  const plain = new MemoryRun(c, samples);
  const records: StepRecord[] = [];
  assert.equal([plain.step, plain.done, plain.lr], [0, false, schedule(0)]);
  while (!plain.done) {
    const r = await plain.next();
    assert.equal([r.step, r.lr], [records.length + 1, schedule(records.length)]);
    assert.ok([r.loss, r.seg, r.gradNorm].every(Number.isFinite) && 'con_t' in r && 'con_a' in r && 'pc' in r, JSON.stringify(r));
    records.push(r);
  }
  assert.is(plain.step, 3);
  try {
    await plain.next();
    assert.unreachable('a fourth step ran');
  } catch (e) {
    assert.match((e as Error).message, /has done its 3 steps/);
  }

  // The page's live prediction: the network in eval mode between steps, then training again.
  const watched = new MemoryRun(c, samples);
  const predictions: number[] = [];
  while (!watched.done) {
    const r = await watched.next();
    assert.equal(untimed(r), untimed(records[r.step - 1]!), `step ${r.step}`);
    const p = await watched.between((net) => predictProbability(net, samples[0]!.image));
    predictions.push(p.data[0]!);
  }
  assert.ok(predictions.every(Number.isFinite));
  const checkpoint = decodeCheckpoint(joined(await watched.checkpoint()), 'page.safetensors');
  const plainState = await plain.net.exportState();
  sameTensors(checkpoint.model, plainState, 'the checkpoint of the run that predicted against the run that did not');
  assert.equal([checkpoint.step, checkpoint.optimizerSteps, checkpoint.config], [3, 3, c]);
  assert.equal(checkpoint.data, memoryDataRecord(samples));
  assert.match(checkpoint.data!.source, /^8 training samples held in memory \(pixel digest [0-9a-f]{16}\)$/);
  assert.ok(checkpoint.optimizer.size > 0, 'the optimiser state is in the checkpoint');
  sameTensors(await networkFromCheckpoint(checkpoint, 'page.safetensors').exportState(), plainState, 'the network read from the checkpoint');
  await Promise.all([plain.dispose(), watched.dispose()]);
  try {
    await watched.checkpoint();
    assert.unreachable('a disposed run gave a checkpoint');
  } catch (e) {
    assert.match((e as Error).message, /disposed/);
  }
});

test('the data record: another sample set has another key; a caller may record none or its own', async () => {
  const record = memoryDataRecord(samples);
  assert.is.not(memoryDataRecord(memorySamples(8, 2)).key, record.key);
  assert.is(memoryDataRecord(samples.slice()).key, record.key);
  for (const data of [null, { source: 'built-in synthetic set (…), train split', key: 'synth/…', mask: 'mask as stored' }]) {
    const run = new MemoryRun(config(), samples, { data });
    assert.equal(decodeCheckpoint(joined(await run.checkpoint()), 'page.safetensors').data, data);
    await run.dispose();
  }
});

test('refused: no samples, a mask of another size or not 0/1, the full augmentation without a JPEG codec', () => {
  const s = samples[0]!;
  const cases: Array<[() => unknown, RegExp]> = [
    [() => new MemoryRun(config(), []), /has no samples/],
    [() => new MemoryRun(config(), [s, { image: s.image, mask: { width: 1, height: 1, data: new Uint8Array(1) } }]), /sample 1: its image is 64×64 but its mask 1×1/],
    [() => new MemoryRun(config(), [{ image: s.image, mask: { ...s.mask, data: s.mask.data.map((v) => v * 255) } }]), /sample 0: its mask holds values other than 0 and 1/],
    [() => new MemoryRun(config({ augment: 'full' }), samples), /augmentation 'full' re-compresses with JPEG: the training data needs a JPEG codec/],
  ];
  for (const [make, message] of cases) assert.throws(make, message);
});

test.run();
