// Writes that fail say what survived. Through the real commands, with the atomic writer's test-only
// fault (NCL_TEST_WRITE_FAULT, src/io/atomic-write.ts) for a full disk, a read-only file system and
// a missing permission (root ignores file modes), and on a real 64 KiB tmpfs where mounting works:
// each failure names the file and the cause, leaves no torn or temporary file, and says what is
// complete (predict: which inputs; train: which checkpoint holds which step, and the --resume).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { ncl, nclWith } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let checkpoint = '';
test.before(async () => {
  ({ dir, cleanup } = await tempDir('write-failures'));
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 10, size: 64, seed: 5 });
  const trained = await ncl('train', '--data', join(dir, 'synth', 'train.json'), '--out', join(dir, 'run'), '--input-size', '64', '--steps', '2', '--warmup', '1', '--batch-size', '2', '--no-progress');
  assert.is(trained.code, 0, trained.stderr);
  checkpoint = join(dir, 'run', 'checkpoint.safetensors');
});
test.after(() => cleanup());

/** Files under `root` whose names mark an unfinished atomic write. */
const temporaries = (root: string): string[] => (existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp')) : []);

const CAUSES = { ENOSPC: 'the disk is full', EROFS: 'the file system is read-only', EACCES: 'permission denied' } as const;

for (const [code, cause] of Object.entries(CAUSES)) {
  test(`ncl synth, ${code}: names meta.json and "${cause}", leaves no temporary file`, async () => {
    const out = join(dir, `synth-${code}`);
    const run = await nclWith({ NCL_TEST_WRITE_FAULT: `${code}:meta.json` }, 'synth', '--out', out, '--count', '5', '--size', '32');
    assert.is(run.code, 1);
    assert.match(run.stderr, new RegExp(`could not write .*meta\\.json: ${cause} \\(${code}\\)`));
    assert.equal(temporaries(out), []);
    assert.not.ok(existsSync(join(out, 'meta.json')));
  });
}

test('ncl predict onto a full disk: names the file, writes no torn PNG, says which inputs are complete', async () => {
  const out = join(dir, 'pred-full');
  const inputs = join(dir, 'synth', 'test', 'Tp');
  const count = readdirSync(inputs).length;
  const run = await nclWith({ NCL_TEST_WRITE_FAULT: 'ENOSPC:overlay.png' }, 'predict', '--checkpoint', checkpoint, '--input', inputs, '--out', out);
  assert.is(run.code, 1);
  assert.match(run.stderr, /could not write .*\.overlay\.png: the disk is full \(ENOSPC\)/);
  assert.match(run.stderr, new RegExp(`the predictions of 0 of the ${count} inputs are complete in .*pred-full; .*\\.png and the ${count - 1} after it were not written`));
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.overlay.png')), []);
  assert.equal(temporaries(out), []);
});

test('ncl export onto a read-only file system names the file and the cause', async () => {
  const run = await nclWith({ NCL_TEST_WRITE_FAULT: 'EROFS:export' }, 'export', '--pytorch', join(dir, 'export.safetensors'), '--checkpoint', checkpoint);
  assert.is(run.code, 1);
  assert.match(run.stderr, /could not write .*export\.safetensors: the file system is read-only \(EROFS\)/);
  assert.equal(temporaries(dir).filter((f) => f.includes('export')), []);
});

test('ncl train whose checkpoint cannot be written: names the checkpoint on disk, its step and the --resume', async () => {
  const run = join(dir, 'run-full');
  execFileSync('cp', ['-r', join(dir, 'run'), run]);
  const resumed = await nclWith({ NCL_TEST_WRITE_FAULT: 'ENOSPC:run-full/checkpoint' }, 'train', '--data', join(dir, 'synth', 'train.json'), '--out', run, '--resume', join(run, 'checkpoint.safetensors'), '--steps', '4', '--checkpoint-every', '1', '--no-progress');
  assert.is(resumed.code, 1);
  assert.match(resumed.stderr, /could not write .*run-full\/checkpoint\.safetensors: the disk is full \(ENOSPC\)/);
  assert.match(resumed.stderr, /run-full\/checkpoint\.safetensors holds step 2 and is left as it was; continue with --resume .*run-full\/checkpoint\.safetensors/);
  assert.is(readCheckpoint(join(run, 'checkpoint.safetensors')).step, 2);
  assert.equal(temporaries(run), []);
});

test('an image that cannot be read (permission, I/O error) is named with the cause; training drops it and goes on', async () => {
  const train = join(dir, 'synth', 'train.json');
  const checked = await nclWith({ NCL_TEST_READ_FAULT: 'EACCES:train/Tp/00001.png' }, 'data', 'check', train);
  assert.is(checked.code, 1);
  assert.match(checked.stdout, /error: .*train\/Tp\/00001\.png: cannot read .*00001\.png: permission denied \(EACCES\)/);
  const trained = await nclWith({ NCL_TEST_READ_FAULT: 'EIO:train/Tp/00001.png' }, 'train', '--data', train, '--out', join(dir, 'run-eio'), '--input-size', '64', '--steps', '4', '--warmup', '1', '--batch-size', '2', '--no-progress');
  assert.is(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /warning: dropped .*00001\.png for the rest of the run \(cannot read .*: an input\/output error of the disk \(EIO\)\)/);
});

test('an --out that names a file says so', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const run = await ncl('predict', '--checkpoint', checkpoint, '--input', join(dir, 'synth', 'test', 'Tp'), '--out', file);
  assert.is(run.code, 1);
  assert.match(run.stderr, /cannot create the output folder .*a-file: a file of that name exists/);
});

/**
 * A test on a 64 KiB tmpfs mounted with `options` (root on Linux), unmounted afterwards; skipped,
 * saying why, where this process cannot mount one.
 */
function withTmpfs(name: string, options: string, body: (mountPoint: string) => Promise<void>): void {
  const mountPoint = join(process.env.TMPDIR ?? '/tmp', `ncl-tmpfs-${process.pid}-${options.replace(/\W/g, '')}`);
  mkdirSync(mountPoint, { recursive: true });
  if (process.platform !== 'linux' || spawnSync('mount', ['-t', 'tmpfs', '-o', `${options},size=64k`, 'tmpfs', mountPoint]).status !== 0) {
    rmdirSync(mountPoint);
    test.skip(`${name} (skipped: cannot mount a tmpfs here)`, () => {});
    return;
  }
  test(name, async () => {
    try {
      await body(mountPoint);
    } finally {
      spawnSync('umount', [mountPoint]);
      rmdirSync(mountPoint);
    }
  });
}

// A real full disk.
withTmpfs('ncl predict onto a real full disk (64 KiB tmpfs): stops at the first failed write, no torn file', 'rw', async (mountPoint) => {
  const inputs = join(dir, 'synth', 'train', 'Tp');
  const run = await ncl('predict', '--checkpoint', checkpoint, '--input', inputs, '--out', mountPoint);
  assert.is(run.code, 1, run.stdout);
  assert.match(run.stderr, /could not write .*: the disk is full \(ENOSPC\)/);
  assert.match(run.stderr, /the predictions of \d+ of the \d+ inputs are complete/);
  assert.equal(temporaries(mountPoint), []);
});

// A read-only file system.
withTmpfs('an output folder on a read-only file system: named, with the cause (not "ENOENT … mkdir")', 'ro', async (mountPoint) => {
  const run = await ncl('predict', '--checkpoint', checkpoint, '--input', join(dir, 'synth', 'test', 'Tp'), '--out', join(mountPoint, 'new', 'folder'));
  assert.is(run.code, 1);
  assert.match(run.stderr, /cannot create the output folder .*new\/folder: the file system is read-only \(EROFS\)/);
});

test.run();
