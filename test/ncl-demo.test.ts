// The demo end to end on a very small budget: it writes a loadable model, metrics.json with the
// eval schema and a report with loss curves, the metrics table and the sample grid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runDemo } from '../src/ncl/demo.ts';
import { loadNetwork } from '../src/ncl/train/checkpoint.ts';
import { tempDir } from './helpers/data-fixtures.ts';
import { device } from './helpers/setup.ts';

test('ncl demo writes model.safetensors, metrics.json and report.html', async () => {
  await device();
  const { dir, cleanup } = await tempDir('demo');
  try {
    const result = await runDemo({ out: dir, minutes: 0.1, seed: 1, images: 16, imageSize: 64, config: { model: { inputSize: 64 }, batchSize: 4 }, progress: false, log: () => {} });
    assert.ok(result.steps > 0);
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

test.run();
