// ncl train, eval and predict through the real entry point: a 2-step run on a tiny synthetic set,
// eval --json with the documented keys, predict's three PNGs at each image's size, and clear
// errors for bad arguments, files and configs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSyntheticSet } from '../src/data/synth/generate.ts';
import { saveSafetensors } from '../src/io/safetensors.ts';
import { readCheckpoint } from '../src/ncl/train/checkpoint.ts';
import { tempDir } from './helpers/data-fixtures.ts';
import { NCL_BIN, ncl } from './helpers/cli.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};

test.before(async () => {
  ({ dir, cleanup } = await tempDir('ncl-cli'));
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 12, size: 80, seed: 1 });
});
test.after(() => cleanup());

test('train → eval --json → predict', async () => {
  const out = join(dir, 'run');
  const data = join(dir, 'synth', 'train.json');
  const trained = await ncl('train', '--data', data, '--out', out, '--input-size', '64', '--steps', '2', '--warmup', '1', '--batch-size', '2', '--no-progress');
  assert.is(trained.code, 0, trained.stderr);
  assert.match(trained.stdout, /trained 2 steps, last loss \d/);
  const checkpoint = join(out, 'checkpoint.safetensors');
  const evaluated = await ncl('eval', '--checkpoint', checkpoint, '--data', join(dir, 'synth', 'test.json'), '--json');
  assert.is(evaluated.code, 0, evaluated.stderr);
  const metrics = JSON.parse(evaluated.stdout) as Record<string, unknown>;
  for (const key of ['images', 'tampered', 'authenticSkipped', 'pixelF1', 'pixelF1Best', 'pixelAUC', 'pixelIoU', 'imageAUC', 'imageAcc', 'baselineAllTamperedF1']) assert.ok(key in metrics, `eval --json lacks ${key}`);
  assert.ok((metrics.images as number) >= 2, `scored ${metrics.images} images`);
  const predictions = join(dir, 'pred');
  const predicted = await ncl('predict', '--checkpoint', checkpoint, '--input', join(dir, 'synth', 'test', 'Tp'), '--out', predictions);
  assert.is(predicted.code, 0, predicted.stderr);
  const first = predicted.stdout.split('\n')[0]!.split(':')[0]!;
  const stem = join(predictions, first.split('/').at(-1)!.replace(/\.\w+$/, ''));
  for (const kind of ['prob', 'mask', 'overlay']) {
    const meta = await sharp(`${stem}.${kind}.png`).metadata();
    assert.equal([meta.width, meta.height], [80, 80], `${kind} PNG at the image's size`);
  }
});

test('Ctrl-C: the run finishes its step, writes the checkpoint and exits with 130', async () => {
  const out = join(dir, 'interrupted');
  const args = ['train', '--data', join(dir, 'synth', 'train.json'), '--out', out, '--input-size', '64', '--steps', '1000', '--batch-size', '2', '--checkpoint-every', '0', '--no-progress'];
  const child = spawn(process.execPath, [NCL_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const log = join(out, 'log.jsonl');
  const deadline = Date.now() + 90_000;
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes('"step"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.is(code, 130, stderr);
  assert.match(stderr, /interrupted at step \d+; checkpoint saved to .*checkpoint\.safetensors; continue with --resume/);
  const steps = readFileSync(log, 'utf8').trim().split('\n').length;
  assert.is(readCheckpoint(join(out, 'checkpoint.safetensors')).step, steps);
});

test('argument, file and config errors name what is wrong', async () => {
  const data = join(dir, 'synth', 'train.json');
  const cases: Array<[string[], RegExp]> = [
    [['train'], /required option '--data <dataset>'/],
    [['train', '--data', data, '--steps', 'ten'], /--steps must be an integer, got "ten"/],
    [['train', '--data', data, '--role-switch', 'sometimes'], /argument 'sometimes' is invalid.*dual, alternate, drop, off/],
    [['train', '--data', data, '--batch-size', '1'], /batchSize must be an integer ≥ 2, got 1/],
    [['train', '--data', data, '--input-size', '72'], /inputSize must be a multiple of 16/],
    [['train', '--data', join(dir, 'missing.json')], /dataset not found: .*missing\.json/],
    [['eval', '--checkpoint', join(dir, 'missing.safetensors'), '--data', data], /cannot read checkpoint .*missing\.safetensors/],
    [['predict', '--checkpoint', 'x', '--input', join(dir, 'nothing'), '--out', dir], /input not found: .*nothing/],
  ];
  const config = join(dir, 'bad-config.json');
  writeFileSync(config, JSON.stringify({ steps: 3, learningRate: 0.1 }));
  cases.push([['train', '--data', data, '--config', config], /unknown field\(s\) learningRate/]);
  const foreign = join(dir, 'foreign.safetensors');
  saveSafetensors(foreign, new Map([['w', { shape: [1], data: new Float32Array(1) }]]));
  cases.push([['eval', '--checkpoint', foreign, '--data', data], /not an ncl checkpoint/]);
  for (const [args, message] of cases) {
    const r = await ncl(...args);
    assert.is.not(r.code, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
});

test.run();
