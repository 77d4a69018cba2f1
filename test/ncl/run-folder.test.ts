// Run folders are owned (src/ncl/train/run-folder.ts), through `ncl train`: a fresh run is refused
// a folder that holds another run and leaves it as it was; --force moves the old run aside once the
// new run has its first step; a run that fails before that leaves the old one untouched, even with
// --force; a live lock keeps a second process out, naming it; a stale lock is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { ncl } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
test.before(async () => {
  ({ dir, cleanup } = await tempDir('run-folder'));
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 8, size: 64, seed: 3 });
});
test.after(() => cleanup());

const trainArgs = (out: string, ...more: string[]) => ['train', '--data', join(dir, 'synth', 'train.json'), '--out', out, '--input-size', '64', '--steps', '2', '--warmup', '1', '--batch-size', '2', '--no-progress', ...more];

/** The bytes of a run's checkpoint and log. */
const snapshot = (run: string) => ['checkpoint.safetensors', 'log.jsonl'].map((f) => readFileSync(join(run, f)));
const same = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]!));

test('a fresh run into a folder holding another run is refused, and the folder is left as it was', async () => {
  const run = join(dir, 'refused');
  assert.is((await ncl(...trainArgs(run))).code, 0);
  const before = snapshot(run);
  const again = await ncl(...trainArgs(run, '--seed', '5'));
  assert.is(again.code, 1);
  assert.match(again.stderr, /holds another run/);
  assert.match(again.stderr, /--resume .*checkpoint\.safetensors/);
  assert.match(again.stderr, /--force/);
  assert.ok(same(snapshot(run), before), 'checkpoint and log unchanged');
  assert.not.ok(existsSync(join(run, 'run.lock')), 'no lock left behind');
});

test('--force moves the old run aside and starts anew', async () => {
  const run = join(dir, 'forced');
  assert.is((await ncl(...trainArgs(run))).code, 0);
  const before = snapshot(run);
  const forced = await ncl(...trainArgs(run, '--force', '--seed', '5'));
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /previous run .* was moved to .*previous-/);
  const aside = readdirSync(run).filter((f) => f.startsWith('previous-'));
  assert.is(aside.length, 1);
  assert.ok(same(snapshot(join(run, aside[0]!)), before), 'the old run, intact, aside');
  const log = readFileSync(join(run, 'log.jsonl'), 'utf8').trim().split('\n');
  assert.is(log.length, 2, 'the new run has its own log');
});

test('a run that fails before its first step leaves the old run untouched, even with --force', async () => {
  const run = join(dir, 'failed-start');
  assert.is((await ncl(...trainArgs(run))).code, 0);
  const before = snapshot(run);
  // The same set with every training image emptied: the first batch cannot be decoded.
  const broken = join(dir, 'broken');
  await cp(join(dir, 'synth'), broken, { recursive: true });
  for (const sub of ['Tp', 'Au']) {
    const folder = join(broken, 'train', sub);
    if (existsSync(folder)) for (const f of readdirSync(folder)) truncateSync(join(folder, f), 0);
  }
  // Stopped by the header check before the folder is claimed, and (with every sample skipped) by
  // the trainer after it is claimed: either way before a first step.
  for (const extra of [[], ['--skip-unreadable']]) {
    const failed = await ncl('train', '--data', join(broken, 'train.json'), '--out', run, '--input-size', '64', '--steps', '2', '--warmup', '1', '--batch-size', '2', '--no-progress', '--force', ...extra);
    assert.is(failed.code, 1);
    assert.match(failed.stderr, extra.length ? /has no samples/ : /cannot be used:\n {2}cannot decode/);
  }
  assert.ok(same(snapshot(run), before), 'checkpoint and log unchanged');
  assert.equal(readdirSync(run).sort(), ['checkpoint.safetensors', 'log.jsonl']);
});

test('a live lock keeps a second process out, naming it; a stale lock is taken over', async () => {
  const run = join(dir, 'locked');
  mkdirSync(run, { recursive: true });
  // This test process is alive: its PID in the lock stands for a run in progress.
  writeFileSync(join(run, 'run.lock'), JSON.stringify({ pid: process.pid, started: '2026-01-01T00:00:00Z', command: 'ncl train (test)' }));
  const blocked = await ncl(...trainArgs(run));
  assert.is(blocked.code, 1);
  assert.match(blocked.stderr, new RegExp(`in use by another run: process ${process.pid}`));
  // A process that has exited leaves a stale lock.
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  writeFileSync(join(run, 'run.lock'), JSON.stringify({ pid: gone, started: '2026-01-01T00:00:00Z', command: 'ncl train (crashed)' }));
  const taken = await ncl(...trainArgs(run));
  assert.is(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, new RegExp(`taking over .*left by process ${gone}, which is no longer running`));
  assert.not.ok(existsSync(join(run, 'run.lock')), 'the lock is released at the end');
});

test('the temporary file of a write killed mid-way is removed when the folder is next claimed, with a notice', async () => {
  const run = join(dir, 'orphan');
  mkdirSync(run, { recursive: true });
  const orphan = join(run, '.checkpoint.safetensors.99999999.tmp'); // no such process: above Linux's pid_max
  writeFileSync(orphan, 'half a checkpoint');
  const trained = await ncl(...trainArgs(run));
  assert.is(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /removed .*\.checkpoint\.safetensors\.99999999\.tmp: an unfinished write of checkpoint\.safetensors by process 99999999, which is no longer running/);
  assert.not.ok(existsSync(orphan));
});

test.run();
