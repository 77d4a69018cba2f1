// A sample whose header reads but whose data is damaged (a truncated PNG) passes the start-up check
// and fails when it is decoded. Through `ncl train`: by default it is dropped for the rest of the
// run with a warning naming it, logged, and the run ends normally; a resume meets it again and goes
// on; --strict-data stops at it; in --val it is left out of each evaluation. DamagedSamples stops
// the run once more than 1 % of the samples (at least 10) have failed, naming them.
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDataset } from '../../src/data/dataset.ts';
import { DataError } from '../../src/data/image-io.ts';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { DamagedSamples } from '../../src/ncl/train/damaged-samples.ts';
import { readLog } from '../../src/ncl/train/log.ts';
import { ncl } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let damagedTrain = '';
let damagedVal = '';

/** Keeps the first half of a PNG: its header (and size) still read, its pixels do not decode. */
function truncateHalf(file: string): void {
  truncateSync(file, Math.floor(statSync(file).size / 2));
}

test.before(async () => {
  ({ dir, cleanup } = await tempDir('damaged'));
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 15, size: 64, seed: 4 });
  damagedTrain = (await openDataset(join(dir, 'synth', 'train.json'))).samples[3]!.imagePath;
  damagedVal = (await openDataset(join(dir, 'synth', 'val.json'))).samples[0]!.imagePath;
  truncateHalf(damagedTrain);
  truncateHalf(damagedVal);
});
test.after(() => cleanup());

const trainArgs = (out: string, ...more: string[]) => ['train', '--data', join(dir, 'synth', 'train.json'), '--out', out, '--input-size', '64', '--batch-size', '2', '--warmup', '1', '--no-progress', ...more];

test('a damaged training image is dropped with a warning, logged, and the run ends; a resume goes on past it', async () => {
  const out = join(dir, 'run');
  const trained = await ncl(...trainArgs(out, '--steps', '6', '--val', join(dir, 'synth', 'val.json'), '--eval-every', '3'));
  assert.is(trained.code, 0, trained.stderr);
  const name = damagedTrain.replace(/.*\//, '');
  assert.match(trained.stderr, new RegExp(`warning: dropped .*${name} for the rest of the run \\(cannot decode image .*\\); 1 of 10 training samples dropped so far, 10 tolerated`));
  assert.match(trained.stderr, new RegExp(`dropped 1 training sample\\(s\\) whose files failed to decode:\\n {2}.*${name}: cannot decode`));
  assert.match(trained.stderr, /warning: validation left out .*val\/Tp\/\d+\.png \(cannot decode image/);
  assert.is(trained.stderr.match(/validation left out/g)!.length, 1, 'said once, not at every evaluation');
  const log = readLog(join(out, 'log.jsonl'));
  assert.equal(log.filter((r) => r.type === 'damaged').map((r) => r.type === 'damaged' && r.split), ['train', 'val']);
  assert.is(log.filter((r) => r.type === 'eval').length, 2, 'both evaluations ran');
  const resumed = await ncl('train', '--data', join(dir, 'synth', 'train.json'), '--out', out, '--resume', join(out, 'checkpoint.safetensors'), '--steps', '12', '--no-progress');
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /warning: dropped/);
  assert.is(readCheckpoint(join(out, 'checkpoint.safetensors')).step, 12);
});

test('--strict-data stops at the damaged image, naming it and the step, and keeps the steps done', async () => {
  const out = join(dir, 'strict');
  const trained = await ncl(...trainArgs(out, '--steps', '6', '--strict-data'));
  assert.is(trained.code, 1);
  assert.match(trained.stderr, new RegExp(`cannot decode image .*${damagedTrain.replace(/.*\//, '')}.* \\(at step \\d+; --strict-data makes a damaged sample fatal\\)`));
});

test('more damaged samples than tolerated (1 %, at least 10) stop the run, naming every one', () => {
  const dropped: string[] = [];
  const tracker = new DamagedSamples(1500, { strict: false, onDrop: (d, count) => dropped.push(`${count}:${d.image}`) });
  assert.is(tracker.limit, 15);
  for (let i = 0; i < 15; i++) tracker.drop(i, new DataError(`cannot decode image f${i}.png: truncated`, `f${i}.png`, 'unreadable'), i);
  assert.is(dropped.length, 15);
  assert.ok(tracker.has(14) && !tracker.has(15));
  assert.throws(() => tracker.drop(15, new DataError('cannot decode image f15.png: truncated', 'f15.png', 'unreadable'), 20), (e: Error) => /16 of the 1500 training samples failed to decode, more than the 15 tolerated/.test(e.message) && e.message.includes('f0.png') && e.message.includes('f15.png'));
  assert.is(new DamagedSamples(200, { strict: false, onDrop: () => {} }).limit, 10, 'at least 10');
});

test.run();
