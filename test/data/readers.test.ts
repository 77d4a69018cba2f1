// Dataset readers, the loader and `data check` on fixture datasets built here: a clean one in each
// layout, and a broken one (missing mask, size mismatch, corrupt file, inverted mask).
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDataset, hasFatalProblem } from '../../src/data/check.ts';
import { openDataset } from '../../src/data/dataset.ts';
import { readImage, readMaskChannels } from '../../src/data/image-io.ts';
import { loadSample, SampleLoader } from '../../src/data/loader.ts';
import { binariseMask } from '../../src/data/mask.ts';
import { rejects, tempDir, writeImage, writeMask, writePixels, writeText } from '../helpers/data-fixtures.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
const square = (x: number, y: number) => x >= 2 && x < 6 && y >= 1 && y < 4; // 12 pixels

test.before(async () => {
  ({ dir, cleanup } = await tempDir('readers'));
  // clean Tp/Gt set: TIFF, JPEG and PNG images, masks named like their image or with _gt / _mask
  await writeImage(join(dir, 'good/Tp/a.tif'), 8, 6);
  await writeMask(join(dir, 'good/Gt/a.png'), 8, 6, square);
  await writeImage(join(dir, 'good/Tp/b.jpg'), 8, 6);
  await writeMask(join(dir, 'good/Gt/b_gt.png'), 8, 6, () => false);
  await writeImage(join(dir, 'good/Tp/c.webp'), 8, 6);
  await writeMask(join(dir, 'good/Gt/c_mask.tif'), 8, 6, (x) => x === 0);
  await writeText(join(dir, 'list.json'), JSON.stringify([['good/Tp/a.tif', 'good/Gt/a.png'], ['good/Tp/b.jpg', 'Negative']]));
  await writeText(join(dir, 'list.txt'), '# image mask label\ngood/Tp/a.tif good/Gt/a.png 1\n\ngood/Tp/b.jpg None 0\n');
  // broken set
  await writeImage(join(dir, 'bad/Tp/1.png'), 8, 6);
  await writeMask(join(dir, 'bad/Gt/1.png'), 8, 6, square);
  await writeImage(join(dir, 'bad/Tp/2.png'), 8, 6);
  await writeMask(join(dir, 'bad/Gt/2.png'), 5, 5, square); // size mismatch
  await writeText(join(dir, 'bad/Tp/3.png'), 'not a png at all'); // corrupt
  await writeMask(join(dir, 'bad/Gt/3.png'), 8, 6, square);
  await writeImage(join(dir, 'bad/Tp/4.png'), 8, 6);
  await writeMask(join(dir, 'bad/Gt/4.png'), 8, 6, (x, y) => !square(x, y)); // inverted
  await writeImage(join(dir, 'bad/Tp/5.png'), 8, 6);
  await writeMask(join(dir, 'bad/Gt/other.png'), 8, 6, square); // name does not correspond
  await writeText(join(dir, 'missing.json'), JSON.stringify([['bad/Tp/1.png', 'bad/Gt/nope.png']]));
});
test.after(() => cleanup());

test('Tp/Gt: pairs by name (stem, _gt and _mask), reads TIFF/JPEG/WebP', async () => {
  const listing = await openDataset(join(dir, 'good'));
  assert.is(listing.layout, 'tp-gt');
  assert.equal(listing.samples.map((s) => basename(s.maskPath!)), ['a.png', 'b_gt.png', 'c_mask.tif']);
  assert.equal(listing.warnings, []);
  const a = await loadSample(listing.samples[0]!);
  assert.is(a.width, 8);
  assert.is(a.image.data.length, 8 * 6 * 3);
  assert.is(a.mask.data.reduce((s, v) => s + v, 0), 12);
  assert.is(a.label, 1);
  assert.ok(Math.abs(a.image.data[3]! - 7 / 255) < 1e-6, 'pixel (1,0) red channel'); // HWC layout
  const b = await loadSample(listing.samples[1]!);
  assert.is(b.label, 0);
});

test('Tp/Gt: where no name corresponds, sorted order pairs them, and the listing says so', async () => {
  for (const n of [1, 2]) {
    await writeImage(join(dir, `unnamed/Tp/photo${n}.png`), 8, 6);
    await writeMask(join(dir, `unnamed/Gt/m${n}.png`), 8, 6, square);
  }
  const listing = await openDataset(join(dir, 'unnamed'));
  assert.equal(listing.samples.map((x) => basename(x.maskPath!)), ['m1.png', 'm2.png']);
  assert.match(listing.warnings.join('\n'), /no file names correspond .*paired by sorted order/);
  await writeMask(join(dir, 'unnamed/Gt/m3.png'), 8, 6, square);
  await rejects(() => openDataset(join(dir, 'unnamed')), /no file names correspond .*2 images.*3 masks.*cannot be paired/);
});

test('JSON and text lists: Negative / None give authentic samples with empty masks', async () => {
  for (const file of ['list.json', 'list.txt']) {
    const listing = await openDataset(join(dir, file));
    assert.is(listing.samples.length, 2);
    assert.is(listing.samples[1]!.maskPath, null);
    assert.is(listing.samples[1]!.label, 0);
    assert.is(listing.samples[0]!.label, 1);
    const authentic = await loadSample(listing.samples[1]!);
    assert.is(authentic.mask.data.reduce((s, v) => s + v, 0), 0);
  }
});

test('bad listings give errors naming the file and line', async () => {
  await writeText(join(dir, 'bad-label.txt'), 'x.png y.png 2\n');
  await rejects(() => openDataset(join(dir, 'bad-label.txt')), /bad-label\.txt line 1: label must be 0 or 1/);
  await writeText(join(dir, 'bad.json'), '{"a": 1}');
  await rejects(() => openDataset(join(dir, 'bad.json')), /bad\.json: expected a JSON array/);
  await rejects(() => openDataset(join(dir, 'nowhere')), /dataset not found/);
});

test('mask rules: default threshold, invert, channel, any-nonzero', () => {
  const raw = { width: 4, height: 1, channels: 3, data: Uint8Array.from([255, 255, 255, 0, 0, 0, 200, 0, 0, 10, 10, 10]) };
  assert.equal([...binariseMask(raw).data], [1, 0, 0, 0]); // means 255, 0, 66.7, 10
  assert.equal([...binariseMask(raw, { invert: true }).data], [0, 1, 1, 1]);
  assert.equal([...binariseMask(raw, { channel: 0 }).data], [1, 0, 1, 0]);
  assert.equal([...binariseMask(raw, { anyNonzero: true }).data], [1, 0, 1, 1]);
  assert.throws(() => binariseMask({ ...raw, channels: 1, data: new Uint8Array(4) }, { channel: 2 }, 'm.png'), /--mask-channel 2.*m\.png has 1 channel/);
});

test('loader: size mismatch errors name both files, or the mask is resized', async () => {
  const listing = await openDataset(join(dir, 'bad'));
  const mismatched = listing.samples[1]!;
  await rejects(() => loadSample(mismatched), /image .*2\.png is 8×6 but mask .*2\.png is 5×5/);
  const resized = await loadSample(mismatched, { onSizeMismatch: 'resize' });
  assert.is(resized.mask.width, 8);
  assert.is(resized.mask.height, 6);
});

test('loader: unreadable files throw naming the file, or are skipped and counted', async () => {
  const listing = await openDataset(join(dir, 'bad'));
  const corrupt = listing.samples[2]!;
  await rejects(() => loadSample(corrupt), /cannot decode image .*bad\/Tp\/3\.png/);
  const loader = new SampleLoader({ skipUnreadable: true, onSizeMismatch: 'resize' });
  const loaded = [];
  for (const s of listing.samples) loaded.push(await loader.load(s));
  // The corrupt image, and the image whose mask is missing.
  assert.is(loaded.filter((x) => x === null).length, 2);
  assert.is(loader.skipped.length, 2);
  assert.match(loader.skipped[0]!.reason, /3\.png/);
  assert.match(loader.skipped[1]!.reason, /file not found: .*Gt\/5\.png/);
  const missing = await openDataset(join(dir, 'missing.json'));
  await rejects(() => loadSample(missing.samples[0]!), /file not found: .*nope\.png/);
});

test('data check: reports every problem of the broken set, naming each file', async () => {
  const report = await checkDataset(join(dir, 'bad'));
  const find = (pattern: RegExp) => report.problems.find((p) => pattern.test(`${p.file}: ${p.message}`));
  assert.ok(hasFatalProblem(report));
  assert.is(find(/Gt\/2\.png: size mismatch: mask is 5×5/)?.fatal, true);
  assert.is(find(/Tp\/3\.png: cannot decode/)?.fatal, true);
  assert.is(find(/Gt\/4\.png: mask looks inverted/)?.fatal, false);
  assert.is(find(/Tp\/5\.png has no mask in .*Gt \(looked for 5, 5_gt and 5_mask/)?.fatal, false);
  assert.is(find(/Gt\/5\.png.*not found/)?.fatal, true);
  assert.is(find(/Gt\/other\.png fits no image/)?.fatal, false);
  assert.is(report.samples, 5);
  assert.is(report.readable, 3); // all but the corrupt image and the image without a mask; the mismatched mask was read
  const resized = await checkDataset(join(dir, 'bad'), { allowResize: true });
  assert.is(resized.problems.find((p) => /size mismatch/.test(p.message))?.fatal, false);
  const missing = await checkDataset(join(dir, 'missing.json'));
  assert.match(missing.problems[0]!.message, /file not found: .*nope\.png/);
  assert.ok(hasFatalProblem(missing));
});

test('data check: a clean set has counts, sizes, area and no problem', async () => {
  const report = await checkDataset(join(dir, 'good'));
  assert.is(hasFatalProblem(report), false);
  assert.equal(report.problems, []);
  assert.is(report.tampered, 2);
  assert.is(report.authentic, 1);
  assert.equal(report.sizes, { '8×6': 3 });
  assert.ok(Math.abs(report.tamperedArea!.mean - (12 / 48 + 6 / 48) / 2) < 1e-12);
});

test('grey, 16-bit and RGBA files decode to 8-bit RGB', async () => {
  await writePixels(join(dir, 'grey.png'), 3, 2, 1, (x) => x * 100);
  const grey = await readImage(join(dir, 'grey.png'));
  assert.equal([...grey.data.slice(3, 6)].map((v) => Math.round(v * 255)), [100, 100, 100]);
  const mask = await readMaskChannels(join(dir, 'grey.png'));
  assert.is(mask.channels, 1);
  const rgb = Uint8Array.from([10, 20, 30, 200, 100, 0]);
  await sharp(rgb, { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toFile(join(dir, 'deep.png'));
  await sharp(rgb, { raw: { width: 2, height: 1, channels: 3 } }).ensureAlpha(0.5).png().toFile(join(dir, 'alpha.png'));
  for (const name of ['deep.png', 'alpha.png']) {
    const image = await readImage(join(dir, name));
    assert.equal([...image.data].map((v) => Math.round(v * 255)), [...rgb], name);
  }
});

test.run();
