// report.html as a person sees it: the page is opened in headless Chromium (the browser of the
// browser test adapter), and its rendered DOM is checked — the sections, one row of four images per
// sample (tampered and authentic), each image's score, the charts, and the warnings: present for a
// degenerate run (constant predictions, no better than the all-tampered baseline), absent for a
// good one. A screenshot of each page is kept in runs/test-artifacts/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createImage, createMask } from '../../src/data/image.ts';
import { EvaluationWithBaselines } from '../../src/metrics/baselines.ts';
import { reportWarnings, writeReport, type ReportSample } from '../../src/ncl/report/report.ts';
import type { LogRecord } from '../../src/ncl/train/log.ts';
import { findChromium } from '../../src/platform/chromium.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

const ARTIFACTS = fileURLToPath(new URL('../../runs/test-artifacts/', import.meta.url));
const chromium = findChromium();

/** Chromium's serialisation of the page after it rendered, and a screenshot of it. */
function render(page: string, screenshot: string): string {
  const profile = mkdtempSync(join(tmpdir(), 'ncl-report-'));
  try {
    const flags = ['--headless=new', '--no-sandbox', '--no-first-run', `--user-data-dir=${profile}`];
    const env = { ...process.env, TMPDIR: profile };
    const url = pathToFileURL(page).href;
    spawnSync(chromium!, [...flags, `--screenshot=${screenshot}`, '--window-size=1100,2400', url], { env, stdio: 'ignore', timeout: 60_000 });
    const dom = spawnSync(chromium!, [...flags, '--dump-dom', url], { env, encoding: 'utf8', timeout: 60_000, maxBuffer: 2 ** 26 });
    return dom.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Three 32×32 test images — two tampered (a square), one authentic — predicted by `predict`. */
function run(predict: (mask: Uint8Array) => Float32Array, withHead = false) {
  const evaluation = new EvaluationWithBaselines();
  const samples: ReportSample[] = [];
  for (const [i, label] of ([1, 1, 0] as const).entries()) {
    const mask = createMask(32, 32);
    if (label) for (let y = 8; y < 20; y++) for (let x = 4 + i; x < 18 + i; x++) mask.data[y * 32 + x] = 1;
    const prediction = { width: 32, height: 32, data: predict(mask.data) };
    evaluation.add({ prediction, mask, label });
    samples.push({ name: `${i}.png`, kind: label ? 'splice' : 'authentic', label, image: createImage(32, 32), mask, prediction });
  }
  const head = (step: number) => (withHead ? { con_t: 6 - step / 2, bounds: { t: { collapse: 6.2, minimum: 4 } } } : {});
  const log: LogRecord[] = [1, 2, 3, 4].map((step) => ({ type: 'step', step, lr: 1e-3 * step, loss: 2 / step, seg: 1 / step, ...head(step), gradNorm: 1, patches: 64, contourPatches: 8, imagesPerSecond: 10, seconds: 0.1 }));
  const separation = (step: number) => ({ t: { tampered: 10, authentic: 30, cosine: { tampered: 0.9, authentic: 0.8, cross: 0.9 - 0.2 * step }, con: 6 - step / 2, collapse: 6.2, minimum: 4 } });
  for (const step of [2, 4]) {
    const scores = { pixelF1: 0.1 * step, pixelF1Best: null, pixelBoundaryF1: null, pixelAUC: 0.5 + 0.05 * step, pixelIoU: null, imageAUC: null, imageAcc: null };
    log.push({ type: 'eval', step, perturbation: 'none', scale: 'input', images: 3, tampered: 2, authenticSkipped: 1, ...scores, baselineAllTamperedF1: null, baselineAllTamperedAUC: null, baselineAllAuthenticF1: null, baselineCentrePriorF1: null, baselineCentrePriorF1Best: null, baselineCentrePriorAUC: null, unreadable: 0, ...(withHead ? { separation: separation(step) } : {}) });
  }
  return { title: 'report test', notes: ['synthetic'], log, evaluation: { ...evaluation.summarise(), perturbation: 'none', scale: 'input', skipped: [], contradictions: [], perImage: evaluation.model.perImage(), ...(withHead ? { separation: separation(4) } : {}) }, samples };
}

test('warnings state the actual distance to the baseline they name', () => {
  const { evaluation, samples } = run((m) => new Float32Array(m.length).fill(0.1));
  const warnings = reportWarnings(evaluation, samples);
  // no pixel above ½: F1 0, against all-tampered's 2A/(1 + A) with A = 12·14/32² on both tampered images
  const a = (12 * 14) / 1024;
  assert.ok(warnings.some((w) => w.includes(`Pixel F1 at 0.5 (0.0000) is ${((2 * a) / (1 + a)).toFixed(4)} below`)), warnings.join('\n'));
  const prior = evaluation.centrePrior.pixel.auc!;
  assert.ok(prior > 0.5, 'the squares lie near the centre');
  assert.ok(warnings.some((w) => w.includes(`Pixel AUC (0.5000) is ${(prior - 0.5).toFixed(4)} below that of the centre prior`)), warnings.join('\n'));
  const good = run((m) => Float32Array.from(m, (v) => (v ? 0.9 : 0.1)));
  assert.equal(reportWarnings(good.evaluation, good.samples), []);
});

const name = 'the rendered page: sections, image rows with scores, charts, warnings only for a degenerate run';
if (!chromium && !process.env.CI) test.skip(`${name} (skipped: no chromium on the PATH)`, () => {});
else {
  test(name, async () => {
    assert.ok(chromium, 'chromium is needed under CI');
    const { dir, cleanup } = await tempDir('report');
    mkdirSync(ARTIFACTS, { recursive: true });
    try {
      const good = (m: Uint8Array) => Float32Array.from(m, (v) => (v ? 0.9 : 0.1));
      const cases = [
        ['degenerate', run((m) => new Float32Array(m.length).fill(0.5)), 3, false],
        ['good', run(good), 0, false],
        ['one head', run(good, true), 0, true],
      ] as const;
      for (const [label, input, warnings, withHead] of cases) {
        const page = join(dir, `${label}.html`);
        await writeReport(page, input);
        const screenshot = join(ARTIFACTS, `report-${label}.png`);
        const dom = render(page, screenshot);
        assert.equal(
          [...dom.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]),
          ['Held-out metrics and trivial baselines', ...(withHead ? ['Patch separation on the held-out images (docs/method.md §5)'] : []), 'Per image', 'Training', 'Sample test images'],
          `${label}: sections`,
        );
        if (withHead) assert.match(dom, /<td>T<\/td><td>0.9000<\/td><td>0.8000<\/td><td>0.1000<\/td><td>4.0000<\/td><td>6.2000<\/td><td>4.0000<\/td><td>1.0000<\/td>/, 'separation row, the whole gap closed');
        const perImage = dom.slice(dom.indexOf('<table class="per-image">'));
        assert.is((perImage.slice(0, perImage.indexOf('</table>')).match(/<tr>/g) ?? []).length, 4, `${label}: a header and one row per image`);
        // the good run's tampered images: label 1, every pixel right — F1, best F1, AUC and IoU 1
        if (label === 'good') assert.match(perImage, /<td>1<\/td><td>0\.\d{4}<\/td><td>0\.1641<\/td><td>1\.0000<\/td><td>1\.0000<\/td><td>1\.0000<\/td><td>1\.0000<\/td>/);
        assert.is((dom.match(/<img /g) ?? []).length, 12, `${label}: four images for each of three samples`);
        assert.is((dom.match(/<tr class="tampered">/g) ?? []).length, 2);
        assert.is((dom.match(/<tr class="authentic">/g) ?? []).length, 1);
        assert.is((dom.match(/class="score">F1 /g) ?? []).length, 2, `${label}: tampered rows show their F1`);
        assert.match(dom, /class="score">[\d.]+ % marked tampered/);
        // one head adds: the contrastive terms, L_con against its bounds, the validation cosines
        assert.is((dom.match(/<svg /g) ?? []).length, withHead ? 6 : 3, `${label}: loss, learning-rate and validation charts`);
        assert.is((dom.match(/<circle /g) ?? []).length, withHead ? 10 : 4, `${label}: two validation points of each score and cosine`);
        assert.is((dom.match(/class="warning"/g) ?? []).length, warnings, `${label}: warnings`);
        assert.ok(existsSync(screenshot) && statSync(screenshot).size > 10_000, `${label}: screenshot kept at ${screenshot}`);
      }
    } finally {
      await cleanup();
    }
  });
}

test.run();
