// Resumes say what they change (through `ncl train`): the checkpoint records its data (the built-in
// synthetic set by its options, another dataset by a digest of its listing) and its mask options,
// and a resume that changes either is refused naming both, unless --allow-data-change; a file
// without optimiser state needs --fresh-optimizer; a checkpoint written before these records (a
// fixture of ncl 0.1.0) still loads and resumes; options that do nothing are errors saying why.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { loadSafetensors, saveSafetensors } from '../../src/io/safetensors-file.ts';
import { readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { ncl } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/checkpoint-0.1.0.safetensors', import.meta.url));
const FIXTURE_CONFIG = fileURLToPath(new URL('../fixtures/checkpoint-0.1.0.config.json', import.meta.url));

let dir = '';
let cleanup: () => Promise<void> = async () => {};
test.before(async () => {
  ({ dir, cleanup } = await tempDir('resume-checks'));
  await generateSyntheticSet({ out: join(dir, 'a'), count: 10, size: 48, seed: 6 });
  await generateSyntheticSet({ out: join(dir, 'b'), count: 10, size: 48, seed: 7 });
  const trained = await ncl('train', '--data', join(dir, 'a', 'train.json'), '--out', join(dir, 'run'), '--config', FIXTURE_CONFIG, '--no-progress');
  assert.is(trained.code, 0, trained.stderr);
});
test.after(() => cleanup());

const resume = (run: string, data: string, ...more: string[]) => ncl('train', '--data', data, '--out', run, '--resume', join(run, 'checkpoint.safetensors'), '--steps', '3', '--no-progress', ...more);
const copyRun = (name: string) => {
  const run = join(dir, name);
  cpSync(join(dir, 'run'), run, { recursive: true });
  return run;
};

test('the checkpoint records the built-in set by its options: a copy of the set elsewhere resumes, another seed is refused naming both', async () => {
  const data = readCheckpoint(join(dir, 'run', 'checkpoint.safetensors')).data;
  assert.match(data!.source, /^built-in synthetic set \(generator \d+, seed 6, 10 images of 48 px, .*\), train split$/);
  assert.is(data!.mask, 'mask as stored');
  cpSync(join(dir, 'a'), join(dir, 'a-copy'), { recursive: true });
  const same = await resume(copyRun('same'), join(dir, 'a-copy', 'train.json'));
  assert.is(same.code, 0, same.stderr);
  const other = await resume(copyRun('other'), join(dir, 'b', 'train.json'));
  assert.is(other.code, 1);
  assert.match(other.stderr, /was trained on built-in synthetic set \(generator \d+, seed 6, .*\), train split; this resume gives built-in synthetic set \(generator \d+, seed 7, .*\), train split\. Resume with the same data and mask options, or pass --allow-data-change/);
  const allowed = await resume(join(dir, 'other'), join(dir, 'b', 'train.json'), '--allow-data-change');
  assert.is(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stderr, /resuming on other data \(--allow-data-change\)/);
});

test('another dataset is recorded by its listing; changed mask options are refused naming both', async () => {
  const run = join(dir, 'listed');
  const data = join(dir, 'plain'); // a Tp/Gt folder without the synthetic set's meta.json beside it
  cpSync(join(dir, 'a', 'train'), data, { recursive: true });
  const trained = await ncl('train', '--data', data, '--out', run, '--config', FIXTURE_CONFIG, '--no-progress');
  assert.is(trained.code, 0, trained.stderr);
  assert.match(readCheckpoint(join(run, 'checkpoint.safetensors')).data!.source, /^dataset .*\/plain \(\d+ samples, listing [0-9a-f]{16}\)$/);
  const inverted = await resume(run, data, '--mask-invert');
  assert.is(inverted.code, 1);
  assert.match(inverted.stderr, /was trained with mask as stored; this resume gives mask inverted\./);
});

test('a file without optimiser state needs --fresh-optimizer', async () => {
  const run = copyRun('model-only');
  const model = join(run, 'model.safetensors');
  // a model file as the demo writes it: the checkpoint's tensors without the optimiser's
  const file = loadSafetensors(join(run, 'checkpoint.safetensors'));
  saveSafetensors(model, new Map([...file.tensors].filter(([n]) => !n.startsWith('optimizer.'))), { ...file.metadata, 'ncl.optimizer.steps': '0' });
  const base = ['train', '--data', join(dir, 'a', 'train.json'), '--out', run, '--resume', model, '--steps', '3', '--no-progress'];
  const refused = await ncl(...base);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /model\.safetensors holds no optimiser state .*pass --fresh-optimizer to continue with fresh moments/);
  const fresh = await ncl(...base, '--fresh-optimizer');
  assert.is(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stderr, /with fresh optimiser moments \(--fresh-optimizer\)/);
});

test('a checkpoint of ncl 0.1.0 (no data record) loads and resumes, saying its data is not checked', async () => {
  const run = join(dir, 'old');
  cpSync(FIXTURE, join(run, 'checkpoint.safetensors'));
  assert.is(readCheckpoint(join(run, 'checkpoint.safetensors')).data, null);
  const resumed = await resume(run, join(dir, 'a', 'train.json'));
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /does not record what it was trained on \(written by an earlier ncl\)/);
  assert.is(readCheckpoint(join(run, 'checkpoint.safetensors')).step, 3);
});

test('resuming a finished run without --steps says so; options that do nothing are errors', async () => {
  const run = copyRun('finished');
  const again = await ncl('train', '--data', join(dir, 'a', 'train.json'), '--out', run, '--resume', join(run, 'checkpoint.safetensors'), '--no-progress');
  assert.is(again.code, 1);
  assert.match(again.stderr, /the checkpoint is at step 2, the end of its run of 2 steps: give --steps \(more than 2\) to train further/);
  const cases: Array<[string[], RegExp]> = [
    [['--eval-every', '5'], /--eval-every does nothing without --val/],
    [['--val-limit', '5'], /--val-limit does nothing without --val/],
    [['--fresh-optimizer'], /--fresh-optimizer does nothing without --resume/],
    [['--skip-head'], /--skip-head does nothing without --init-weights/],
  ];
  for (const [extra, message] of cases) {
    const r = await ncl('train', '--data', join(dir, 'a', 'train.json'), '--out', join(dir, 'never'), ...extra);
    assert.is(r.code, 1, extra.join(' '));
    assert.match(r.stderr, message);
  }
});

test.run();
