// ncl train, eval and predict through the real entry point: a 2-step run on a tiny synthetic set,
// eval --json with the documented keys, predict's three PNGs at each image's size, data score on
// predict's output folder, predict's names for inputs sharing a stem and its handling of unreadable
// inputs, and clear errors for bad arguments, files and configs.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { saveSafetensors } from '../../src/io/safetensors-file.ts';
import { parseCsv } from '../../src/metrics/groups.ts';
import { readCheckpoint } from '../../src/ncl/train/checkpoint.ts';
import { exitCodeOf, STOP_SIGNALS, type StopSignal } from '../../src/ncl/train/stop-signals.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { CLI_ENV, NCL_BIN, ncl } from '../helpers/cli.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};

test.before(async () => {
  ({ dir, cleanup } = await tempDir('ncl-cli'));
  await generateSyntheticSet({ out: join(dir, 'synth'), count: 15, size: 80, seed: 1 });
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

test('eval --groups and --per-image: a table per group column, one CSV row per image, the group means made of the rows', async () => {
  const data = join(dir, 'synth', 'test.json');
  const images = (JSON.parse(readFileSync(data, 'utf8')) as [string, string][]).map(([image]) => image);
  const groups = join(dir, 'groups.csv');
  writeFileSync(groups, `file,half,note\n${images.map((f, i) => `${f},${i % 2 ? 'odd' : 'even'},"a, b"`).join('\n')}\n`);
  const csv = join(dir, 'per-image.csv');
  const base = ['eval', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--data', data, '--groups', groups, '--per-image', csv];
  const text = await ncl(...base);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /by half:\nhalf +images +tampered +F1@0\.5 +best F1 +AUC +boundary F1 +image AUC +patch AUROC t \(median\) +patch AUROC a \(median\) +all-tampered F1 +centre-prior AUC\neven +\d+ +\d+ .*\nodd +\d+/);
  assert.not.match(text.stdout, /by note:/, 'a column with one value is not tabulated');
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.is(rows[0], 'image,half,note,label,score,mask_share,f1,best_f1,auc,iou,boundary_f1,accuracy,patch_auroc_t,gap_closed_t,patch_auroc_a,gap_closed_a');
  assert.is(rows.length, images.length + 1);
  assert.ok(rows.slice(1).every((r) => r.includes(',"a, b",')), 'fields with commas are quoted');
  const json = await ncl(...base, '--json', '--probe-data', join(dir, 'synth', 'train.json'));
  const probe = (JSON.parse(json.stdout) as { probe: { auroc: number; fitPatches: number; scoredPatches: number } }).probe;
  assert.ok(probe.fitPatches > 0 && probe.scoredPatches > 0 && probe.auroc >= 0 && probe.auroc <= 1, JSON.stringify(probe));
  const perGroup = (JSON.parse(json.stdout) as { perGroup: Record<string, Record<string, { pixelF1: number | null; tampered: number }>> }).perGroup;
  for (const half of ['even', 'odd']) {
    const f1s = parseCsv(readFileSync(csv, 'utf8')).slice(1).filter((f) => f[1] === half && f[6] !== '').map((f) => Number(f[6]));
    assert.is(perGroup.half![half]!.tampered, f1s.length);
    if (f1s.length) assert.ok(Math.abs(perGroup.half![half]!.pixelF1! - f1s.reduce((a, b) => a + b, 0) / f1s.length) < 1e-9, `${half}: the mean of its rows`);
  }
  const report = join(dir, 'eval-report.html');
  const withReport = await ncl(...base, '--report', report);
  assert.is(withReport.code, 0, withReport.stderr);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /<h2>Per group<\/h2><h3>By half<\/h3>/);
  assert.match(html, /<li>scale: input \(every image resized to 64 px\)<\/li>/);
  assert.match(html, /<li>training log: .*log\.jsonl<\/li>/);
  assert.match(html, /<svg/, 'the training curves of the log beside the checkpoint');
  const noGroups = await ncl('eval', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--data', data, '--group-by', 'half');
  assert.match(noGroups.stderr, /--group-by does nothing without --groups/);
});

test('ncl ablate --settings runs those asked for; --resume keeps the finished runs and runs the rest', async () => {
  const out = join(dir, 'ablate');
  // At the images' own 80 px and 8-px patches, so the small regions of the validation split hold
  // whole tampered patches: the probe's AUROC needs both kinds.
  const base = ['ablate', '--data', join(dir, 'synth', 'train.json'), '--val', join(dir, 'synth', 'val.json'), '--out', out, '--seeds', '1', '--steps', '2', '--warmup', '1', '--input-size', '80', '--patch-size', '8', '--batch-size', '2'];
  const first = await ncl(...base, '--settings', 'off');
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stderr, /\[1\/1\] off, seed 0: pixel AUC [\d.]+, F1 [\d.]+ \(\d+ s\)/);
  const kept = JSON.parse(readFileSync(join(out, 'off-seed-0', 'result.json'), 'utf8')) as { run: { metrics: { probeAUROC: unknown } } };
  assert.type(kept.run.metrics.probeAUROC, 'number', 'each run is scored with the linear probe on its pivot');
  const second = await ncl(...base, '--settings', 'drop:2,off', '--resume');
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stderr, /\[1\/3\] drop, seed 0: .*\(\d+ s\)\n\[2\/3\] off, seed 0: .*\(kept from the earlier run\)\n\[3\/3\] drop, seed 1: /, 'seed by seed, every setting in turn');
  assert.match(second.stdout, /\| drop \| 2 \|/);
  assert.match(second.stdout, /\| off \| 1 \|/);
  const fewer = await ncl(...base, '--settings', 'off', '--resume', '--train-images', '2');
  assert.is(fewer.code, 0, fewer.stderr);
  assert.match(fewer.stderr, /\[1\/1\] off, seed 0: .*\(\d+ s\)/, 'a run on fewer images is not the kept run on all of them');
  assert.match(fewer.stdout, /training images per run: 2\n/);
  const tooMany = await ncl(...base, '--settings', 'off', '--train-images', '100000');
  assert.match(tooMany.stderr, /--train-images 100000: .*train\.json holds only \d+ images/);
});

test('ncl ablate --folds: one synthetic set per fold of the photos, runs paired by fold; a resume reuses the sets', async () => {
  const out = join(dir, 'ablate-folds');
  const args = ['ablate', '--folds', '2', '--synth-count', '12', '--synth-size', '64', '--out', out, '--settings', 'off', '--seeds', '1', '--steps', '2', '--warmup', '1', '--input-size', '64', '--batch-size', '2'];
  const first = await ncl(...args);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stderr, /generating fold 0 of 2: 12 images of 64 px in .*fold-0\n[^]*generating fold 1 of 2/);
  assert.match(first.stderr, /\[1\/2\] off, fold 0, seed 0: .*\n\[2\/2\] off, fold 1, seed 0:/);
  const metas = [0, 1].map((i) => JSON.parse(readFileSync(join(out, 'folds', `fold-${i}`, 'meta.json'), 'utf8')) as { fold: unknown; photos: Record<string, string[]> });
  assert.equal(metas.map((m) => m.fold), [{ index: 0, count: 2 }, { index: 1, count: 2 }]);
  assert.equal(metas[0]!.photos.test, metas[1]!.photos.test, 'the test photos stay out of every fold');
  assert.equal(metas[0]!.photos.val.filter((p) => metas[1]!.photos.val.includes(p)), [], 'each fold holds other photos out');
  assert.ok(existsSync(join(out, 'off-fold-1-seed-0', 'result.json')));
  const again = await ncl(...args, '--resume');
  assert.is(again.code, 0, again.stderr);
  assert.not.match(again.stderr, /generating fold/);
  assert.match(again.stderr, /\[2\/2\] off, fold 1, seed 0: .*kept from the earlier run/);
});

test('--resume takes more steps (and says what the schedule does) and refuses options that cannot change mid-run', async () => {
  const run = join(dir, 'resumed');
  await cp(join(dir, 'run'), run, { recursive: true });
  const checkpoint = join(run, 'checkpoint.safetensors');
  const base = ['train', '--data', join(dir, 'synth', 'train.json'), '--resume', checkpoint, '--out', run, '--no-progress'];
  const more = await ncl(...base, '--steps', '4');
  assert.is(more.code, 0, more.stderr);
  assert.match(more.stdout, /trained 4 steps/);
  assert.match(more.stderr, /resuming at step 2 with 4 steps instead of 2: the learning-rate schedule is recomputed over the new total/);
  assert.is(readCheckpoint(checkpoint).step, 4);
  const fixed = await ncl(...base, '--steps', '6', '--lr', '0.1', '--tau', '0.2');
  assert.is(fixed.code, 1);
  assert.match(fixed.stderr, /lr, ncl\.tau cannot change mid-run/);
  const fewer = await ncl(...base, '--steps', '3');
  assert.is(fewer.code, 1);
  assert.match(fewer.stderr, /checkpoint is at step 4: --steps 3 ends before it/);
});

test('train reads every header before step 1: a broken image stops it with the list, or is skipped with --skip-unreadable', async () => {
  const set = join(dir, 'one-broken');
  await cp(join(dir, 'synth'), set, { recursive: true });
  const tp = join(set, 'train', 'Tp');
  const victim = readdirSync(tp).sort()[1]!;
  writeFileSync(join(tp, victim), '');
  const args = ['train', '--data', join(set, 'train.json'), '--input-size', '64', '--steps', '1', '--batch-size', '2', '--no-progress'];
  const stopped = await ncl(...args, '--out', join(dir, 'broken-run'));
  assert.is(stopped.code, 1);
  assert.match(stopped.stderr, new RegExp(`1 of the \\d+ samples of the training set .* cannot be used:\\n {2}cannot decode .*${victim}`));
  assert.match(stopped.stderr, /--skip-unreadable/);
  assert.not.ok(existsSync(join(dir, 'broken-run', 'log.jsonl')), 'nothing trained');
  const skipped = await ncl(...args, '--out', join(dir, 'skipping-run'), '--skip-unreadable');
  assert.is(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stderr, new RegExp(`skipping 1 of the \\d+ samples of the training set \\(--skip-unreadable\\):\\n {2}cannot decode .*${victim}`));
});

test("data score reads predict's output folder as it is", async () => {
  // The previous test trained a checkpoint and predicted the test images into <dir>/pred.
  const scored = await ncl('data', 'score', join(dir, 'synth', 'test.json'), '--predictions', join(dir, 'pred'), '--json');
  assert.is(scored.code, 0, scored.stderr);
  const { model } = JSON.parse(scored.stdout) as { model: { pixel: { f1: number; images: number } } | null };
  assert.ok(model && Number.isFinite(model.pixel.f1) && model.pixel.images === 2, 'model metrics of both tampered test images');
});

test('predict: inputs sharing a stem keep their extensions; unreadable inputs are skipped, listed, exit 1', async () => {
  const inputs = join(dir, 'mixed');
  await mkdir(inputs);
  const source = join(dir, 'synth', 'test', 'Tp', readdirSync(join(dir, 'synth', 'test', 'Tp')).sort()[0]!);
  await copyFile(source, join(inputs, 'a.png'));
  await sharp(source).tiff().toFile(join(inputs, 'a.tif'));
  await copyFile(source, join(inputs, 'c.png'));
  writeFileSync(join(inputs, 'b.png'), '');
  const out = join(dir, 'pred-mixed');
  const predicted = await ncl('predict', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--input', inputs, '--out', out);
  assert.is(predicted.code, 1);
  assert.match(predicted.stderr, /skipped 1 unreadable input\(s\):\n {2}.*b\.png: /);
  for (const f of ['a.png.prob.png', 'a.tif.prob.png', 'c.prob.png', 'c.mask.png', 'c.overlay.png']) assert.ok(existsSync(join(out, f)), f);
  // The same file name in two folders cannot be told apart by name: refused before any work.
  await mkdir(join(dir, 'other'));
  await copyFile(source, join(dir, 'other', 'a.png'));
  const clash = await ncl('predict', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--input', join(inputs, 'a.png'), join(dir, 'other', 'a.png'), '--out', join(dir, 'pred-clash'));
  assert.is(clash.code, 1);
  assert.match(clash.stderr, /share the name a\.png: their predictions would overwrite each other/);
  assert.not.ok(existsSync(join(dir, 'pred-clash')), 'nothing written');
});

/** The signal the run's first notice names ("stopping (SIGTERM): …"). */
function firstSignal(stderr: string): StopSignal {
  const named = /stopping \((SIG[A-Z]+)\)/.exec(stderr)?.[1];
  assert.ok(named && (STOP_SIGNALS as readonly string[]).includes(named), `a first notice naming a stop signal:\n${stderr}`);
  return named as StopSignal;
}

/** `ncl train` for many steps in a child process, its stderr collected; `waitFor` resolves when it has printed a match. */
function startLongRun(out: string, ...more: string[]) {
  return startRun(CLI_ENV, ['--no-progress'], out, ...more);
}

function startRun(env: NodeJS.ProcessEnv, progress: string[], out: string, ...more: string[]) {
  const args = ['train', '--data', join(dir, 'synth', 'train.json'), '--out', out, '--input-size', '64', '--steps', '1000', '--batch-size', '2', '--checkpoint-every', '0', ...progress, ...more];
  const child = spawn(process.execPath, [NCL_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let ended = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((ended = true), resolve(code))));
  const waitFor = async (pattern: RegExp | (() => boolean), what: string) => {
    const deadline = Date.now() + 90_000;
    const met = () => (typeof pattern === 'function' ? pattern() : pattern.test(stderr));
    while (!met() && !ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(met(), `waited 90 s for ${what}; stderr:\n${stderr}`);
  };
  const log = join(out, 'log.jsonl');
  const stepLogged = () => existsSync(log) && readFileSync(log, 'utf8').includes('"step"');
  // Signals sent one after another can each arrive after the step and its save have finished, on a
  // loaded machine. Sent to the stopped process, they are all pending when it continues and are
  // handled before the step in progress can end. Distinct signals, because a pending signal is not
  // queued twice; the kernel picks the order, so the first one is read back from the notice.
  const sendTogether = (signals: NodeJS.Signals[]) => {
    child.kill('SIGSTOP');
    for (const s of signals) child.kill(s);
    child.kill('SIGCONT');
  };
  return { child, exited, waitFor, stepLogged, sendTogether, log, stderr: () => stderr };
}

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal} (Ctrl-C, a scheduler's stop, a closed terminal): the run says so, finishes its step, writes the checkpoint and exits with ${exitCode}`, async () => {
    const out = join(dir, `interrupted-${signal}`);
    // without a session's runtime folder ncl makes a private one (src/platform/node.ts): it must go too
    const runtimeFolders = () => readdirSync(tmpdir()).filter((f) => f.startsWith('ncl-xdg-')).length;
    const before = runtimeFolders();
    const env: NodeJS.ProcessEnv = { ...CLI_ENV };
    delete env.XDG_RUNTIME_DIR;
    const run = startRun(env, ['--no-progress'], out);
    await run.waitFor(run.stepLogged, 'the first step');
    run.child.kill(signal);
    const code = await run.exited;
    const stderr = run.stderr();
    assert.is(code, exitCode, stderr);
    const stopping = stderr.search(new RegExp(`stopping \\(${signal}\\): (finishing step \\d+, then saving|saving step \\d+) to .*checkpoint\\.safetensors`));
    const saved = stderr.search(/interrupted at step \d+; checkpoint saved to .*checkpoint\.safetensors; continue with --resume/);
    assert.ok(stopping >= 0 && saved > stopping, `said first, then saved:\n${stderr}`);
    const steps = readFileSync(run.log, 'utf8').trim().split('\n').length;
    assert.is(readCheckpoint(join(out, 'checkpoint.safetensors')).step, steps);
    assert.not.ok(existsSync(join(out, 'run.lock')), 'the lock is removed');
    assert.is(runtimeFolders(), before, 'the private runtime folder is removed');
  });
}

test('Ctrl-C while a first run tunes its kernels: acknowledged at once, tuning stops after its candidate, the step is saved', async () => {
  const { dir: cache, cleanup: dropCache } = await tempDir('tune-cache');
  try {
    const out = join(dir, 'interrupted-tuning');
    const run = startRun({ ...CLI_ENV, NCL_TUNE: 'on', XDG_CACHE_HOME: cache }, [], out);
    await run.waitFor(/tuning (\d+) kernel shape classes met for the first time on this adapter/, 'tuning to start');
    await run.waitFor(/ {2}tuned 1\//, 'the first class to be tuned');
    run.child.kill('SIGINT');
    const code = await run.exited;
    const stderr = run.stderr();
    assert.is(code, 130, stderr);
    const classes = Number(/tuning (\d+) kernel shape classes/.exec(stderr)![1]);
    const done = /tuned (\d+) kernel shape class(?:es)? in [\d.]+ s; (\d+) left untuned \(stopping\)/.exec(stderr);
    assert.ok(done, `tuning said it stopped early:\n${stderr}`);
    assert.is(Number(done![1]) + Number(done![2]), classes);
    const order = ['stopping (SIGINT): saving step 1', 'left untuned (stopping)', 'interrupted at step 1;'].map((t) => stderr.indexOf(t));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `in order: ${order.join(', ')}\n${stderr}`);
    assert.is(readCheckpoint(join(out, 'checkpoint.safetensors')).step, 1);
  } finally {
    await dropCache();
  }
});

test('a second signal while the step is finished warns that a third exits without saving; the run still saves', async () => {
  const out = join(dir, 'interrupted-twice');
  const run = startLongRun(out, '--input-size', '128', '--batch-size', '4');
  await run.waitFor(run.stepLogged, 'the first step');
  run.sendTogether(['SIGINT', 'SIGTERM']);
  const code = await run.exited;
  const stderr = run.stderr();
  assert.is(code, exitCodeOf(firstSignal(stderr)), stderr);
  assert.match(stderr, /still saving step (\d+) — press again to exit without saving \((steps 1–\1|step 1) would be lost\)/);
  assert.ok(stderr.indexOf('still saving') < stderr.indexOf('interrupted at step'), stderr);
  assert.ok(readCheckpoint(join(out, 'checkpoint.safetensors')).step >= 1);
});

test('a third signal exits at once without saving, says what is lost, and leaves no lock', async () => {
  const out = join(dir, 'interrupted-thrice');
  const run = startLongRun(out, '--input-size', '128', '--batch-size', '4');
  await run.waitFor(run.stepLogged, 'the first step');
  run.sendTogether(['SIGTERM', 'SIGINT', 'SIGHUP']);
  const code = await run.exited;
  const stderr = run.stderr();
  assert.is(code, exitCodeOf(firstSignal(stderr)), `the first signal's status: ${stderr}`);
  const notices = ['stopping (', 'still saving', 'exiting without saving'].map((t) => stderr.indexOf(t));
  assert.ok(notices[0]! >= 0 && notices[0]! < notices[1]! && notices[1]! < notices[2]!, `the three notices in order:\n${stderr}`);
  assert.match(stderr, /exiting without saving: steps? [\d–]+ lost; no checkpoint of this run was written/);
  assert.not.ok(stderr.includes('interrupted at step'), stderr);
  assert.not.ok(existsSync(join(out, 'checkpoint.safetensors')), 'nothing saved');
  assert.not.ok(existsSync(join(out, 'run.lock')), 'the lock is removed');
});

test('a backend that gives no adapter says which library or OS it needs, not the CPU fallback\'s Mesa', async () => {
  const vulkan = await ncl('info', '--backend', 'vulkan');
  if (vulkan.code === 0) return; // a machine with a Vulkan GPU: nothing to explain
  assert.match(vulkan.stderr, /no WebGPU adapter found \(tried: vulkan \(core\)\)\.\nThe Vulkan loader \(libvulkan\.so\.1\) is (not installed|installed, but no Vulkan driver offered an adapter)/);
  assert.not.match(vulkan.stderr, /libegl-mesa0/);
  if (process.platform === 'linux') {
    const metal = await ncl('info', '--backend', 'metal');
    assert.is(metal.code, 1);
    assert.match(metal.stderr, /The metal backend exists on macOS only/);
  }
});

test('argument, file and config errors name what is wrong', async () => {
  const data = join(dir, 'synth', 'train.json');
  const cases: Array<[string[], RegExp]> = [
    [['train'], /required option '--data <dataset>'/],
    [['train', '--data', data, '--steps', 'ten'], /--steps must be an integer, got "ten"/],
    [['train', '--data', data, '--batch-size', 'two'], /\n\(ncl <command> --help lists the options and their defaults\)/],
    [['bench', 'matmul', '--repeat', '0'], /--repeat must be an integer ≥ 1, got "0"/],
    [['synth', '--out', join(dir, 'never'), '--seed', '-3'], /--seed must be an integer ≥ 0, got "-3"/],
    [['ablate', '--data', data, '--val', data, '--seeds', '0'], /--seeds must be an integer ≥ 1, got "0"/],
    [['ablate', '--data', data], /ncl ablate needs --data and --val, or --folds k/],
    [['ablate', '--data', data, '--val', data, '--folds', '3'], /--folds makes its own training and held-out sets: leave out --data and --val/],
    [['synth', '--out', join(dir, 'never'), '--folds', '3'], /--folds and --fold go together/],
    [['demo', '--image-size', '0'], /--image-size must be an integer ≥ 1, got "0"/],
    [['train', '--data', data, '--role-switch', 'sometimes'], /argument 'sometimes' is invalid.*dual, switch, alternate, drop, off/],
    [['train', '--data', data, '--batch-size', '1'], /batchSize must be an integer ≥ 2, got 1/],
    [['train', '--data', data, '--input-size', '72'], /inputSize must be a multiple of 16/],
    [['train', '--data', join(dir, 'missing.json')], /dataset not found: .*missing\.json/],
    [['train', '--data', join(dir, 'synth', 'train', 'Tp', '00000.png')], /00000\.png is an image, not a dataset: give a folder with Tp\/ and Gt\/, a \.json list/],
    [['eval', '--checkpoint', join(dir, 'missing.safetensors'), '--data', data], /cannot read checkpoint .*missing\.safetensors/],
    [['predict', '--checkpoint', 'x', '--input', join(dir, 'nothing'), '--out', dir], /input not found: .*nothing/],
  ];
  const config = join(dir, 'bad-config.json');
  writeFileSync(config, JSON.stringify({ steps: 3, learningRate: 0.1 }));
  cases.push([['train', '--data', data, '--config', config], /unknown field.*learningRate/]);
  const nested = join(dir, 'nested-config.json');
  writeFileSync(nested, JSON.stringify({ ncl: { lamdaPc: 0.5 } }));
  cases.push([['train', '--data', data, '--config', nested], /unknown field ncl\.lamdaPc \(did you mean ncl\.lambdaPc\?\)/]);
  cases.push([['eval', '--checkpoint', 'x', '--data', data, '--limit', '0'], /--limit must be an integer ≥ 1, got "0"/]);
  const missingFiles = join(dir, 'missing-files.json');
  writeFileSync(missingFiles, JSON.stringify([['nowhere/a.png', 'nowhere/a-mask.png']]));
  cases.push([['eval', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--data', missingFiles], /1 of the 1 samples of the dataset .* cannot be used:\n {2}file not found: .*a\.png/]);
  cases.push([['eval', '--checkpoint', join(dir, 'run', 'checkpoint.safetensors'), '--data', missingFiles, '--skip-unreadable'], /nothing was scored/]);
  const foreign = join(dir, 'foreign.safetensors');
  saveSafetensors(foreign, new Map([['w', { shape: [1], data: new Float32Array(1) }]]));
  cases.push([['eval', '--checkpoint', foreign, '--data', data], /not an ncl checkpoint/]);
  for (const [args, message] of cases) {
    const r = await ncl(...args);
    assert.is.not(r.code, 0, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
  const help = await ncl('train', '--help');
  assert.match(help.stdout, /--steps <n> +optimiser steps \(default 1000\)/);
  assert.match(help.stdout, /--tau <x> +τ, contrastive temperature \(default 0\.5\)/);
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '[]');
  const checked = await ncl('data', 'check', empty);
  assert.is(checked.code, 1, 'data check fails on an empty set');
  assert.match(checked.stdout, /lists no samples/);
});

test.run();
