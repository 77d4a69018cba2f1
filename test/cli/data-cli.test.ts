// The data commands end to end, through the real `ncl` entry point: synth, data check (exit code 1
// on a fatal problem), data score (perfect predictions score 1, baselines alongside).
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDataset } from '../../src/data/dataset.ts';
import { SampleLoader } from '../../src/data/loader.ts';
import { tempDir, writeImage, writeMask } from '../helpers/data-fixtures.ts';
import { ncl } from '../helpers/cli.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};

test.before(async () => {
  ({ dir, cleanup } = await tempDir('cli'));
});
test.after(() => cleanup());

test('ncl synth writes the set and prints counts per kind; ncl data check accepts it', async () => {
  const out = join(dir, 'synth');
  const run = await ncl('synth', '--out', out, '--count', '10', '--size', '48', '--seed', '2');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /wrote 10 images/);
  assert.match(run.stdout, /train: copy-move \d+ \(mean area/);
  const check = await ncl('data', 'check', join(out, 'train.json'));
  assert.is(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /samples 6, readable 6/); // 2 in val, 2 in test
  assert.match(check.stdout, /problems: 0 fatal, 0 warnings/);
  const bad = await ncl('synth', '--out', out, '--count', 'ten');
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /--count must be an integer/);
  const tooFew = await ncl('synth', '--out', join(dir, 'too-few'), '--count', '4');
  assert.is(tooFew.code, 1);
  assert.match(tooFew.stderr, /--count must be at least 5 /);
});

test('ncl data check exits 1 and names the file on a fatal problem', async () => {
  await writeImage(join(dir, 'broken/Tp/x.png'), 6, 6);
  await writeMask(join(dir, 'broken/Gt/x.png'), 4, 4, () => true);
  const check = await ncl('data', 'check', join(dir, 'broken'));
  assert.is(check.code, 1);
  assert.match(check.stdout, /error: .*broken\/Gt\/x\.png: size mismatch: mask is 4×4/);
  const resized = await ncl('data', 'check', '--mask-resize', join(dir, 'broken'));
  assert.is(resized.code, 0, resized.stdout);
});

test('checking a long list says so before the first file, then every 250 samples (data check decodes, eval reads headers)', async () => {
  await writeImage(join(dir, 'long/a.png'), 8, 8);
  await writeMask(join(dir, 'long/a-mask.png'), 8, 8, (x) => x < 3);
  const list = join(dir, 'long', 'list.json');
  await writeFile(list, JSON.stringify(Array.from({ length: 600 }, () => ['a.png', 'a-mask.png'])));
  const check = await ncl('data', 'check', list);
  assert.is(check.code, 0, check.stderr);
  const progress = check.stderr.split('\n').filter((l) => /decoding|^ {2}\d+\/600$/.test(l));
  assert.equal(progress, [`decoding 600 samples of ${list} …`, '  250/600', '  500/600', '  600/600']);
  const evaluated = await ncl('eval', '--checkpoint', join(dir, 'none.safetensors'), '--data', list);
  assert.is(evaluated.code, 1);
  const lines = evaluated.stderr.split('\n');
  const first = lines.indexOf(`reading the headers of 600 samples of ${list} …`);
  assert.ok(first >= 0, evaluated.stderr);
  assert.equal(lines.slice(first + 1, first + 4), ['  250/600', '  500/600', '  600/600']);
  assert.match(evaluated.stderr, /cannot read checkpoint .*none\.safetensors/);
});

test('a list line whose label contradicts its mask is a warning naming the line (data check and eval)', async () => {
  await writeImage(join(dir, 'contra/a.png'), 8, 8);
  await writeMask(join(dir, 'contra/a-mask.png'), 8, 8, (x) => x < 2);
  const list = join(dir, 'contra', 'list.txt');
  await writeFile(list, '# image mask label\na.png a-mask.png 1\na.png a-mask.png 0\n');
  const check = await ncl('data', 'check', list);
  assert.match(check.stdout, /warning: .*a-mask\.png: listed as authentic \(label 0, .*list\.txt line 3\) but the mask marks 25\.0 % of the pixels/);
  // what ncl eval prints as warnings: the loader's contradictions, once per line
  const loader = new SampleLoader();
  for (const sample of (await openDataset(list)).samples) await loader.load(sample);
  assert.is(loader.contradictions.length, 1);
  assert.match(loader.contradictions[0]!, /list\.txt line 3: listed as authentic \(label 0\) but its mask .*a-mask\.png marks 25\.0 % of the pixels/);
});

test('ncl data score: perfect predictions score 1, next to the baselines', async () => {
  const inside = (x: number, y: number) => x < 3 && y < 2;
  await writeImage(join(dir, 'scored/Tp/p.png'), 6, 4);
  await writeMask(join(dir, 'scored/Gt/p.png'), 6, 4, inside);
  await writeImage(join(dir, 'scored/Tp/q.png'), 6, 4);
  await writeMask(join(dir, 'scored/Gt/q.png'), 6, 4, () => false);
  await mkdir(join(dir, 'predictions'));
  for (const name of ['p.png', 'q.png']) await copyFile(join(dir, 'scored/Gt', name), join(dir, 'predictions', name));
  const run = await ncl('data', 'score', join(dir, 'scored'), '--predictions', join(dir, 'predictions'), '--json');
  assert.is(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.is(result.model.pixel.f1, 1);
  assert.is(result.model.pixel.auc, 1);
  assert.is(result.model.imageLevel.accuracy, 1);
  assert.is(result.model.authenticSkipped, 1);
  assert.ok(Math.abs(result.allTampered.pixel.f1 - (2 * 0.25) / 1.25) < 1e-12);
  const missing = await ncl('data', 'score', join(dir, 'scored'), '--predictions', join(dir, 'broken'));
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no prediction in .*broken for 2 of the 2 samples .*:\n {2}.*p\.png\n {2}.*q\.png\npass --skip-unreadable/);
  await mkdir(join(dir, 'half'));
  await copyFile(join(dir, 'scored/Gt/p.png'), join(dir, 'half', 'p.png'));
  await writeFile(join(dir, 'scored/Tp/r.png'), 'not a png');
  await writeMask(join(dir, 'scored/Gt/r.png'), 6, 4, inside);
  await copyFile(join(dir, 'scored/Gt/r.png'), join(dir, 'half', 'r.png'));
  const half = await ncl('data', 'score', join(dir, 'scored'), '--predictions', join(dir, 'half'), '--skip-unreadable');
  assert.is(half.code, 0, half.stderr);
  assert.match(half.stdout, /skipped 2 sample\(s\) \(--skip-unreadable\), not scored by the model nor the baselines:\n {2}.*q\.png: no prediction in .*half\n {2}.*r\.png: cannot decode/);
  assert.match(half.stdout, /images 1: tampered 1/);
});

test.run();
