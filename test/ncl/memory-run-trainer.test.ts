// The in-memory run (src/ncl/train/memory-run.ts) against the trainer (trainer.ts): on the samples
// `ncl train` reads from disk, with the same config, its step records are the trainer's bit for bit
// (timings aside) and its checkpoint holds the same tensors, with each augmentation (the full one
// through sharp's JPEG codec); its checkpoint of a paused run is refused by a resume on a dataset
// (the data record names both) unless the data change is allowed, and then continues exactly as the
// in-memory run does; `ncl eval`'s and `ncl export`'s readers take it. Node only (files, sharp).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDataset, type DatasetListing } from '../../src/data/dataset.ts';
import { sharpJpeg, writeImagePng, writeMaskPng } from '../../src/data/image-io.ts';
import { loadSample } from '../../src/data/loader.ts';
import type { NamedArray } from '../../src/io/safetensors.ts';
import { evaluate } from '../../src/ncl/evaluate.ts';
import { writePytorchExport } from '../../src/ncl/pytorch-export.ts';
import { decodeCheckpoint } from '../../src/ncl/train/checkpoint-codec.ts';
import { loadNetwork, readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { resolveTrainConfig, type TrainConfig } from '../../src/ncl/train/config.ts';
import type { TrainingSample } from '../../src/ncl/train/data.ts';
import type { StepRecord } from '../../src/ncl/train/log.ts';
import { MemoryRun } from '../../src/ncl/train/memory-run.ts';
import { describeTrainingData } from '../../src/ncl/train/run-data.ts';
import { train } from '../../src/ncl/train/trainer.ts';
import { rejects, tempDir } from '../helpers/data-fixtures.ts';
import { joined, memorySamples, untimed } from '../helpers/memory-samples.ts';
import { device } from '../helpers/setup.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let listing: DatasetListing;
/** The listing's samples as `ncl train` decodes them. */
let fromDisk: TrainingSample[];
const made = memorySamples(8, 4);

test.before(async () => {
  await device();
  ({ dir, cleanup } = await tempDir('memory-run'));
  for (const sub of ['Tp', 'Gt']) mkdirSync(join(dir, 'set', sub), { recursive: true });
  const pairs: Array<[string, string]> = [];
  for (const [i, s] of made.entries()) {
    const name = `${String(i).padStart(2, '0')}.png`;
    await writeImagePng(join(dir, 'set', 'Tp', name), s.image);
    const tampered = s.mask.data.some((v) => v > 0);
    if (tampered) await writeMaskPng(join(dir, 'set', 'Gt', name), s.mask);
    pairs.push([`Tp/${name}`, tampered ? `Gt/${name}` : 'Negative']);
  }
  writeFileSync(join(dir, 'set', 'train.json'), JSON.stringify(pairs));
  listing = await openDataset(join(dir, 'set', 'train.json'));
  fromDisk = await Promise.all(
    listing.samples.map(async (s) => {
      const { image, mask } = await loadSample(s);
      return { image, mask };
    }),
  );
});

test.after(() => cleanup());

const config = (overrides: Partial<TrainConfig> = {}) =>
  resolveTrainConfig({ model: { inputSize: 64 }, batchSize: 2, steps: 3, warmupSteps: 1, checkpointEvery: 0, seed: 11, ...overrides });


const bytes = (a: NamedArray) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);

function sameTensors(got: Map<string, NamedArray>, want: Map<string, NamedArray>, what: string): void {
  assert.equal([...got.keys()].sort(), [...want.keys()].sort(), `${what}: names`);
  const differ = [...want].filter(([name, w]) => !bytes(got.get(name)!).equals(bytes(w)));
  assert.equal(differ.map(([name]) => name), [], `${what}: tensors that differ`);
}

test('the samples made in memory read back from their PNG files unchanged', () => {
  for (const [i, s] of made.entries()) {
    assert.ok(Buffer.from(fromDisk[i]!.image.data.buffer).equals(Buffer.from(s.image.data.buffer)), `image ${i}`);
    assert.equal(Array.from(fromDisk[i]!.mask.data), Array.from(s.mask.data), `mask ${i}`);
  }
});

for (const augment of ['geometric', 'none', 'full'] as const) {
  test(`augment '${augment}': the in-memory run's steps and checkpoint are the trainer's, bit for bit`, async () => {
    const c = config({ augment });
    const trained = await train({ config: c, train: listing, outDir: join(dir, `train-${augment}`) });
    trained.net.dispose();
    const run = new MemoryRun(c, fromDisk, { jpeg: sharpJpeg });
    const records: StepRecord[] = [];
    while (!run.done) records.push(await run.next());
    assert.equal(records.map(untimed), trained.history.map(untimed));
    const ours = decodeCheckpoint(joined(await run.checkpoint()), 'memory');
    const theirs = readCheckpoint(trained.checkpoint);
    sameTensors(ours.model, theirs.model, 'weights and BN statistics');
    sameTensors(ours.optimizer, theirs.optimizer, 'optimiser state');
    assert.equal([ours.step, ours.optimizerSteps, ours.config, ours.variants], [theirs.step, theirs.optimizerSteps, theirs.config, theirs.variants]);
    await run.dispose();
  });
}

test('a paused in-memory run\'s checkpoint: a resume on a dataset is refused naming both sets, continues exactly with --allow-data-change, and eval and export read it', async () => {
  const run = new MemoryRun(config({ steps: 5, augment: 'geometric' }), fromDisk);
  for (let i = 0; i < 3; i++) await run.next();
  const file = join(dir, 'page.safetensors');
  writeFileSync(file, joined(await run.checkpoint()));
  const atPause = await run.net.exportState();
  const continued = [await run.next(), await run.next()];

  await rejects(
    () => train({ resume: file, train: listing, outDir: join(dir, 'refused') }),
    /page\.safetensors was trained on 8 training samples held in memory \(pixel digest [0-9a-f]{16}\); this resume gives dataset .*train\.json \(8 samples, listing [0-9a-f]{16}\)\. Resume with the same data and mask options, or pass --allow-data-change/,
  );
  const notices: string[] = [];
  const resumed = await train({ resume: file, train: listing, outDir: join(dir, 'resumed'), allowDataChange: true, notice: (t) => notices.push(t) });
  assert.ok(notices.some((n) => n.startsWith(`resuming on other data (--allow-data-change): ${file} was trained on 8 training samples held in memory`)), notices.join('\n'));
  assert.is(resumed.step, 5);
  assert.equal(resumed.history.map(untimed), continued.map(untimed));
  sameTensors(readCheckpoint(resumed.checkpoint).model, await run.net.exportState(), 'the resumed run\'s weights against the in-memory run\'s');
  resumed.net.dispose();
  await run.dispose();

  const { net, checkpoint } = loadNetwork(file);
  assert.equal([checkpoint.step, checkpoint.data?.mask], [3, describeTrainingData(listing, {}).mask]);
  sameTensors(await net.exportState(), atPause, 'ncl eval\'s network');
  const scored = await evaluate(net, listing);
  assert.ok(Number.isFinite(scored.model.pixel.auc), `pixel AUC ${scored.model.pixel.auc}`);
  net.dispose();
  const exported = writePytorchExport(join(dir, 'page-pytorch.safetensors'), checkpoint);
  assert.ok(exported.tensors.size > 0);
});

test.run();
