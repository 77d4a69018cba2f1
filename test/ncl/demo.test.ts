// The demo end to end on a very small budget: it writes a loadable model, metrics.json with the
// eval schema and a report with loss curves, the metrics table, the patch separation and the
// sample grid; it evaluates on the validation split while training and keeps the best checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoScale, runDemo } from '../../src/ncl/demo.ts';
import { readLog } from '../../src/ncl/train/log.ts';
import { loadNetwork } from '../../src/ncl/train/checkpoint.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { device } from '../helpers/setup.ts';

test('ncl demo writes model.safetensors, metrics.json and report.html', async () => {
  await device();
  const { dir, cleanup } = await tempDir('demo');
  try {
    const lines: string[] = [];
    const result = await runDemo({ out: dir, minutes: 0.1, seed: 1, images: 16, imageSize: 64, config: { model: { inputSize: 64 }, batchSize: 4 }, progress: false, log: (l) => lines.push(l) });
    assert.ok(result.steps > 0);
    assert.ok(lines[0]!.startsWith('CPU adapter: 16 images of 64 px, tiny preset at 64 px, batch 4'), `the scale actually used is said: ${lines[0]}`);
    const evals = readLog(join(dir, 'run', 'log.jsonl')).filter((r) => r.type === 'eval');
    assert.ok(evals.length >= 1 && evals.every((r) => r.images > 0), 'validation during training');
    assert.ok(existsSync(join(dir, 'run', 'best.safetensors')), 'the best checkpoint by validation is kept');
    assert.ok(result.metrics.separation?.t && result.metrics.separation.a, 'the test metrics measure both heads');
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(metrics, result.metrics as unknown as Record<string, unknown>);
    assert.ok(typeof metrics.pixelAUC === 'number' && typeof metrics.baselineAllTamperedF1 === 'number');
    const { net, checkpoint } = loadNetwork(join(dir, 'model.safetensors'));
    assert.is(checkpoint.step, result.steps);
    assert.is(checkpoint.optimizer.size, 0, 'the model file has no optimiser state');
    net.dispose();
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<svg[^>]*>.*<polyline/s);
    assert.match(html, /<td>pixel F1 @ 0\.5<\/td>/);
    assert.match(html, /<h2>Patch separation on the held-out images/);
    assert.ok((html.match(/<img src="data:image\/png;base64,/g) ?? []).length >= 4, 'one row of image | truth | prediction | overlay at least');
  } finally {
    await cleanup();
  }
});

test('ncl demo trains the steps asked for instead of filling its time budget', async () => {
  await device();
  const { dir, cleanup } = await tempDir('demo-steps');
  try {
    const lines: string[] = [];
    const result = await runDemo({ out: dir, minutes: 5, seed: 2, images: 12, imageSize: 64, config: { model: { inputSize: 64 }, batchSize: 2, steps: 3 }, progress: false, log: (l) => lines.push(l) });
    assert.is(result.steps, 3);
    assert.ok(lines.some((l) => /training the 3 steps asked for \(the 5-minute budget is not used\)/.test(l)), lines.join('\n'));
  } finally {
    await cleanup();
  }
});

for (const imageSize of [256, 512]) {
  test(`ncl demo at ${imageSize} px images ends with its report (no per-pixel array spread into a call)`, async () => {
    await device();
    const { dir, cleanup } = await tempDir(`demo-${imageSize}`);
    try {
      const config = { model: { inputSize: 64 }, batchSize: 2, steps: 1 };
      const result = await runDemo({ out: dir, minutes: 1, seed: 3, images: 5, imageSize, config, progress: false, log: () => {} });
      assert.is(result.steps, 1);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      assert.match(html, /<td>pixel F1 @ 0\.5<\/td>/);
      assert.ok((html.match(/<img src="data:image\/png;base64,/g) ?? []).length >= 4, 'sample rows at full size');
    } finally {
      await cleanup();
    }
  });
}

test('too few images is an error naming --images', async () => {
  await device();
  const error = await runDemo({ out: '/nonexistent/demo', minutes: 1, seed: 0, images: 4, config: {}, progress: false, log: () => {} }).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(error?.message ?? 'no error', /--images must be at least 5 .*got 4/);
});

test('the demo scale follows the adapter: more and larger images and tuned kernels on a GPU', () => {
  const [cpu, gpu] = [demoScale(true), demoScale(false)];
  assert.equal([cpu.images, cpu.imageSize, cpu.config, cpu.tune, gpu.tune], [200, 128, {}, 'off', 'lazy']);
  assert.ok(gpu.images > cpu.images && gpu.imageSize > cpu.imageSize && gpu.config.model?.inputSize === gpu.imageSize);
});

test.run();
