// The built-in synthetic set made in a browser page (src/web/page-synth.ts) against `ncl synth`'s
// for the same seed. The site ships the photos (site.ts: photos.json in listPhotoFiles's order,
// served by serve.ts; rocket.jpg, whose Adobe RGB profile sharp applies, as a PNG of sharp's
// pixels); a page bundled from synth-in-page.entry.ts, served with them and opened in headless
// Chromium on SwiftShader (helpers/browser-page.ts), decodes them, makes the set with the
// generator's own core and the browser's JPEG codec (browser-jpeg.ts), and hands it back.
// Measured (Chromium 156, sharp 0.35.5): the images and masks are identical to the CLI's; the
// records are identical but for a few numbers that Math.exp and the like compute one bit apart in
// Chromium's V8 and Node's (here ≤ 3e-16 relative). The browser's JPEG files carry sharp's
// quantisation tables and 4:2:0 sampling at every quality tried (the quality mapping).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imageToBytes } from '../../src/data/image.ts';
import { colourProfileMatters, encodeJpeg, readImage, readMaskChannels } from '../../src/data/image-io.ts';
import { photoName } from '../../src/data/synth/photo.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles } from '../../src/data/synth/photos.ts';
import { generateSyntheticSet, type SynthRecord } from '../../src/data/synth/generate.ts';
import { bundleForBrowser } from '../../src/platform/bundle.ts';
import { findChromium } from '../../src/platform/chromium.ts';
import { serveFolder } from '../../src/web/serve.ts';
import { PHOTO_ATTRIBUTION_FILE, PHOTO_LIST_FILE } from '../../src/web/site-files.ts';
import { sitePhotoFiles, writeSitePhotos } from '../../src/web/site.ts';
import { BrowserPage } from '../helpers/browser-page.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

const ENTRY = fileURLToPath(new URL('./synth-in-page.entry.ts', import.meta.url));
const SWIFTSHADER = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'];
/** A set that holds every kind (both removal fills) and two images of rocket. */
const SET = { count: 12, size: 64, seed: 31 };

test('the site ships the built-in photos in ncl synth\'s order (rocket.jpg as a PNG of the pixels sharp reads), and their attribution; serve.ts serves them', async () => {
  const { dir, cleanup } = await tempDir('site-photos');
  try {
    const written = (await writeSitePhotos(dir)).map((f) => basename(f));
    assert.equal(written, await sitePhotoFiles());
    const sources = await listPhotoFiles(BUILTIN_PHOTOS_DIR);
    const shipped = JSON.parse(readFileSync(join(dir, PHOTO_LIST_FILE), 'utf8')) as string[];
    assert.equal(shipped.map(photoName), sources.map((f) => photoName(basename(f))), 'the photos of ncl synth, in its order');
    assert.equal(written, [...shipped, PHOTO_LIST_FILE, PHOTO_ATTRIBUTION_FILE]);
    const converted: string[] = [];
    for (const [i, source] of sources.entries()) {
      if (shipped[i] === basename(source)) {
        assert.ok(readFileSync(join(dir, shipped[i]!)).equals(readFileSync(source)), `${shipped[i]} as it is`);
        continue;
      }
      converted.push(basename(source));
      assert.ok(await colourProfileMatters(source));
      assert.not.ok(await colourProfileMatters(join(dir, shipped[i]!)));
      assert.equal((await readImage(join(dir, shipped[i]!))).data, (await readImage(source)).data, `${shipped[i]}: the pixels sharp reads from ${basename(source)}`);
    }
    assert.equal(converted, ['rocket.jpg'], 'the one photo whose colour profile changes its pixels');
    assert.match(readFileSync(join(dir, PHOTO_ATTRIBUTION_FILE), 'utf8'), /rocket\.jpg is shipped as rocket\.png/);
    const served = await serveFolder(dir, 0);
    try {
      for (const [name, type] of [[shipped[0]!, 'image/jpeg'], ['rocket.png', 'image/png'], [PHOTO_LIST_FILE, 'application/json'], [PHOTO_ATTRIBUTION_FILE, 'text/markdown; charset=utf-8']]) {
        const response = await fetch(served.url + name);
        assert.is(response.status, 200, name);
        assert.is(response.headers.get('content-type'), type, name);
        assert.ok(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(dir, name))), name);
      }
    } finally {
      await served.close();
    }
  } finally {
    await cleanup();
  }
});

test('the page\'s synthesis and JPEG codec bundle for a browser: nothing of Node in them', async () => {
  for (const file of ['page-synth.ts', 'browser-jpeg.ts']) await bundleForBrowser(fileURLToPath(new URL(`../../src/web/${file}`, import.meta.url)));
});

/** The paths and values of the numbers that differ between two records of the same shape; any
 *  other difference (a key, a string, a number off by more than `relative`) fails. */
function numbersApart(a: unknown, b: unknown, relative: number, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return [];
    assert.ok(Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b)), `${path}: ${a} and ${b}`);
    return [`${path}: ${a} / ${b}`];
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    assert.is(a, b, path);
    return [];
  }
  assert.equal(Object.keys(a), Object.keys(b), `${path}: keys`);
  return Object.keys(a).flatMap((k) => numbersApart((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], relative, `${path}.${k}`));
}

/** The quantisation tables (by id, zigzag order) and the components' sampling factors of a JPEG file. */
function jpegTables(bytes: Uint8Array): { tables: Record<number, number[]>; sampling: string[] } {
  const tables: Record<number, number[]> = {};
  const sampling: string[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xda) break; // start of scan
    if (marker === 0xdb) {
      for (let k = 0; k < body.length; ) {
        const wide = body[k]! >> 4;
        const id = body[k]! & 15;
        tables[id] = Array.from({ length: 64 }, (_, i) => (wide ? (body[k + 1 + 2 * i]! << 8) | body[k + 2 + 2 * i]! : body[k + 1 + i]!));
        k += 1 + 64 * (wide ? 2 : 1);
      }
    }
    if (marker >= 0xc0 && marker <= 0xc2) {
      for (let c = 0; c < body[5]!; c++) sampling.push(`${body[7 + 3 * c]! >> 4}x${body[7 + 3 * c]! & 15} q${body[8 + 3 * c]}`);
    }
    at += 2 + length;
  }
  return { tables, sampling };
}

interface PageSet {
  ms: number;
  photos: unknown;
  records: Array<Record<string, unknown>>;
  names: string[];
  images: string[];
  masks: string[];
}

const chromium = findChromium();
const name = `the synthetic set made in the page (${SET.count} images of ${SET.size} px, seed ${SET.seed}) in Chromium on SwiftShader: ncl synth's images, masks and records (numbers to the last bit or so); the browser's JPEG files carry sharp's tables and sampling`;
if (!chromium && !process.env.CI) test.skip(`${name} (skipped: no chromium on the PATH)`, () => {});
else {
  test(name, async () => {
    assert.ok(chromium, 'chromium is needed under CI');
    const { dir, cleanup } = await tempDir('synth-in-page');
    const site = join(dir, 'site');
    let page: BrowserPage | null = null;
    let served: Awaited<ReturnType<typeof serveFolder>> | null = null;
    try {
      await generateSyntheticSet({ out: join(dir, 'cli'), ...SET });
      await writeSitePhotos(site);
      writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="synth.js"></script>');
      writeFileSync(join(site, 'synth.js'), await bundleForBrowser(ENTRY));
      served = await serveFolder(site, 0);
      page = await BrowserPage.open(chromium!, served.url, SWIFTSHADER);
      await page.waitFor('globalThis.nclSynthTest', 60_000);

      // The quality mapping: the tables and the chroma sampling of the browser's files are sharp's.
      const qualities = [70, 83, 95];
      const files = await page.evaluate<string[]>(`nclSynthTest.jpegFiles(${JSON.stringify(qualities)})`);
      const black = { width: 32, height: 24, data: new Float32Array(32 * 24 * 3) }; // the tables do not depend on the pixels
      for (const [i, q] of qualities.entries()) {
        const browser = jpegTables(Buffer.from(files[i]!, 'base64'));
        const sharp = jpegTables(await encodeJpeg(black, q));
        assert.equal(browser, sharp, `quality ${q}: the browser's tables and sampling`);
        assert.equal(sharp.sampling, ['2x2 q0', '1x1 q1', '1x1 q1'], 'luma 2×2, chroma 1×1: 4:2:0');
      }

      const set = await page.evaluate<PageSet>(`nclSynthTest.synthesise(${JSON.stringify(SET)})`);
      const meta = JSON.parse(readFileSync(join(dir, 'cli', 'meta.json'), 'utf8')) as { photos: unknown; records: SynthRecord[] };
      assert.equal(set.photos, meta.photos, 'the same split of the photos');
      assert.equal(set.names, meta.records.map((r) => r.image));
      // The records: the same kinds, photos, regions, parameters and post-processing draws; a
      // number may differ in its last bit where the JavaScript engines' Math.exp, Math.log, … do.
      const apart = numbersApart(set.records, meta.records, 1e-15);
      assert.ok(new Set(meta.records.map((r) => (r.kind === 'removal' ? r.params.fill : r.kind))).size === 5 && meta.records.filter((r) => r.photo === 'rocket').length === 2, 'the set holds every kind and rocket twice');
      for (const [i, record] of meta.records.entries()) {
        const mask = await readMaskChannels(join(dir, 'cli', record.mask));
        assert.ok(Buffer.from(set.masks[i]!, 'base64').equals(Buffer.from(mask.data.map((v) => (v ? 1 : 0)))), `${record.image}: the masks`);
        const node = imageToBytes(await readImage(join(dir, 'cli', record.image)));
        const browser = Buffer.from(set.images[i]!, 'base64');
        assert.is(browser.length, node.length);
        let sum = 0;
        let max = 0;
        for (let k = 0; k < node.length; k++) {
          const d = Math.abs(node[k]! - browser[k]!);
          sum += d;
          max = Math.max(max, d);
        }
        // Measured: 0 and 0 for every image (200 of 256 px for seed 0 too).
        assert.ok(max === 0, `${record.image} (${record.kind} of ${record.photo}): |page − ncl synth| mean ${sum / node.length}, max ${max} levels`);
      }
      console.log(`  ${set.records.length} images made in the page in ${(set.ms / 1000).toFixed(1)} s, as ncl synth's; numbers of the records a bit apart: ${apart.length ? apart.join(', ') : 'none'}`);
      assert.equal(page.errors, [], 'the console has no errors');
    } finally {
      page?.close();
      await served?.close();
      await cleanup();
    }
  });
}

test.run();
