// The synthetic tampering set: same seed → same bytes, and the same pixels and records as when
// SYNTH_GENERATOR_VERSION was last bumped (pinned); `ncl synth` writes what the portable core
// (synthesise.ts) makes, which with the JPEG codec it is given imports nothing of Node; masks mark
// what each manipulation changed, the train/val/test splits never share a source photo, val and
// test hold both classes, kinds come in equal shares.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDataset } from '../../src/data/dataset.ts';
import { imageToBytes, maskArea, type Mask, type RgbImage } from '../../src/data/image.ts';
import { readImage, readMaskChannels, sharpJpeg } from '../../src/data/image-io.ts';
import { Rng } from '../../src/common/rng.ts';
import { randomBlob } from '../../src/data/synth/blob.ts';
import { AREA_RANGE, composeImage, MANIPULATIONS } from '../../src/data/synth/compose.ts';
import { centrePrior } from '../../src/metrics/baselines.ts';
import { pixelMetrics } from '../../src/metrics/pixel.ts';
import { generateSyntheticSet, SYNTH_GENERATOR_VERSION, type SynthSummary } from '../../src/data/synth/generate.ts';
import { resolveSynthSettings, synthesise } from '../../src/data/synth/synthesise.ts';
import { bundleForBrowser } from '../../src/platform/bundle.ts';
import { minimumCount, splitPhotos, SPLITS } from '../../src/data/synth/splits.ts';
import type { Photo } from '../../src/data/synth/photo.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles, loadPhotos } from '../../src/data/synth/photos.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
let photos: Photo[] = [];
let first: SynthSummary;

const options = (out: string, seed: number) => ({ out, count: 24, size: 64, seed });

async function hashTree(root: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else hashes[relative(root, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
    }
  };
  await walk(root);
  return hashes;
}

test.before(async () => {
  ({ dir, cleanup } = await tempDir('synth'));
  photos = await loadPhotos(await listPhotoFiles(BUILTIN_PHOTOS_DIR));
  first = await generateSyntheticSet(options(join(dir, 'a'), 7));
});
test.after(() => cleanup());

test('same seed gives the same bytes; another seed does not', async () => {
  await generateSyntheticSet(options(join(dir, 'b'), 7));
  await generateSyntheticSet(options(join(dir, 'c'), 8));
  const a = await hashTree(join(dir, 'a'));
  assert.ok(Object.keys(a).length >= 2 * 24 + 4, 'images, masks, three lists and meta.json');
  assert.equal(await hashTree(join(dir, 'b')), a);
  // the compared set holds every manipulation: both removal fills, colour-matched splices, resampled copy-moves
  const fills = new Set(first.records.filter((r) => r.kind === 'removal').map((r) => r.params.fill));
  assert.equal([...fills].sort(), ['diffusion', 'exemplar']);
  assert.ok(first.records.some((r) => r.kind === 'splice' && Number(r.params.colourMatch) > 0));
  assert.ok(first.records.some((r) => r.kind === 'copy-move' && r.params.scale !== 1 && r.params.angleDegrees !== 0));
  assert.ok(first.records.every((r) => Number.isInteger(r.params.cameraQuality) && Number.isInteger(r.post.jpegQuality)), 'every image compressed twice');
  const c = await hashTree(join(dir, 'c'));
  assert.not.equal(c['train/Tp/00000.png'], a['train/Tp/00000.png']);
});

/** The records with every number to 12 significant digits: JavaScript engines may compute
 *  Math.exp, Math.log, … one bit apart (Node's versions among them), the generator's draws not. */
const roundedRecords = (records: unknown) => JSON.stringify(records, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));

test('the set of a seed is pinned: its pixels and records as when SYNTH_GENERATOR_VERSION was last bumped; the files are what the portable core makes', async () => {
  const pixels = createHash('sha256');
  const core = synthesise(resolveSynthSettings(options('', 7)), photos, sharpJpeg);
  assert.equal(core.photos, first.photos);
  let i = 0;
  for await (const sample of core.samples) {
    const r = first.records[i++]!;
    const image = imageToBytes(await readImage(join(dir, 'a', r.image)));
    const mask = (await readMaskChannels(join(dir, 'a', r.mask))).data;
    assert.ok(Buffer.from(imageToBytes(sample.image)).equals(image) && Buffer.from(mask.map((v) => (v ? 1 : 0))).equals(sample.mask.data), `${r.image}: the core's image and mask`);
    assert.equal(sample.record, r);
    pixels.update(image).update(mask);
  }
  assert.is(i, first.records.length);
  const records = createHash('sha256').update(roundedRecords(first.records)).digest('hex');
  const pinned = 'if the set changed on purpose, bump SYNTH_GENERATOR_VERSION (synthesise.ts) and pin the new hashes';
  assert.is(SYNTH_GENERATOR_VERSION, 3, pinned);
  assert.is(pixels.digest('hex'), '9f582214889b4e8b5846a12595bdd0d89ca8f9b253b0c603bbd917c3dd366638', `the pixels of seed 7's images and masks changed: ${pinned}`);
  assert.is(records, 'cdcde55ac0bb40dfb80f9763d99f4a649e98d89676ec20566ab737655089413e', `the records of seed 7's images changed: ${pinned}`);
});

test('the synthesis core and the augmentation import nothing of Node: they bundle for a browser (generate.ts does not)', async () => {
  for (const file of ['synth/synthesise.ts', 'augment.ts']) await bundleForBrowser(fileURLToPath(new URL(`../../src/data/${file}`, import.meta.url)));
  try {
    await bundleForBrowser(fileURLToPath(new URL('../../src/data/synth/generate.ts', import.meta.url)));
    assert.unreachable('generate.ts reads and writes files');
  } catch (e) {
    assert.match((e as Error).message, /Could not resolve "(node:)?(fs|child_process)/);
  }
});

test('refuses to write into a non-empty folder without force', async () => {
  try {
    await generateSyntheticSet(options(join(dir, 'a'), 7));
    assert.unreachable('should have refused');
  } catch (e) {
    assert.match((e as Error).message, /not empty; pass --force/);
  }
});

test('layout: Tp/Gt and JSON lists describe the same images; kinds in equal shares; areas in range', async () => {
  let total = 0;
  for (const split of SPLITS) {
    const folder = await openDataset(join(dir, 'a', split));
    const list = await openDataset(join(dir, 'a', `${split}.json`));
    assert.equal(list.samples.map((s) => s.imagePath), folder.samples.map((s) => s.imagePath));
    total += folder.samples.length;
    for (const r of first.records) {
      assert.is(list.samples.some((s) => s.maskPath === null && s.imagePath.endsWith(r.image)), r.kind === 'authentic' && r.split === split);
    }
  }
  assert.is(total, 24);
  const k = first.byKind.train;
  assert.equal([k.authentic.count, k['copy-move'].count, k.splice.count, k.removal.count], [3, 5, 5, 4]); // 17 train images
  for (const r of first.records) {
    if (r.kind === 'authentic') assert.is(r.area, 0);
    // a region may be clipped by the border down to a quarter of its target (blob.ts)
    else assert.ok(r.targetArea >= AREA_RANGE[0] && r.targetArea <= AREA_RANGE[1] && r.area > r.targetArea * 0.2 && r.area < r.targetArea * 1.1, `${r.image}: area ${r.area} for ${r.targetArea}`);
  }
});

test('regions are placed without a centre bias: the centre prior scores a mean per-image AUC of 0.5 ± 0.03 over 1500 blobs, and regions reach every border', () => {
  const rng = Rng.fromSeed(21);
  const size = 48;
  let aucSum = 0;
  const touches = { left: 0, right: 0, top: 0, bottom: 0 };
  for (let i = 0; i < 1500; i++) {
    const target = Math.exp(rng.uniform(Math.log(AREA_RANGE[0]), Math.log(AREA_RANGE[1]))) * size * size;
    const { mask } = randomBlob(rng, size, size, target);
    assert.ok(maskArea(mask) >= 0.2 * target, `blob ${i}: ${maskArea(mask)} of ${target} pixels inside`);
    aucSum += pixelMetrics(centrePrior(mask).data, mask.data, 0.5).auc!;
    const column = (x: number) => Array.from({ length: size }, (_, y) => mask.data[y * size + x]).some(Boolean);
    const row = (y: number) => mask.data.subarray(y * size, (y + 1) * size).some(Boolean);
    touches.left += column(0) ? 1 : 0;
    touches.right += column(size - 1) ? 1 : 0;
    touches.top += row(0) ? 1 : 0;
    touches.bottom += row(size - 1) ? 1 : 0;
  }
  const meanAuc = aucSum / 1500;
  assert.ok(Math.abs(meanAuc - 0.5) <= 0.03, `centre prior's mean per-image AUC ${meanAuc}`);
  for (const [side, n] of Object.entries(touches)) assert.ok(n > 200, `${n} of 1500 regions reach the ${side} border`);
});

test('splits by source photo, splice donors included', async () => {
  const photosOf = first.photos;
  assert.is(SPLITS.reduce((n, s) => n + photosOf[s].length, 0), (await listPhotoFiles(BUILTIN_PHOTOS_DIR)).length, 'every built-in photo is in one split');
  for (const a of SPLITS) for (const b of SPLITS) if (a !== b) assert.equal(photosOf[a].filter((p) => photosOf[b].includes(p)), [], `${a} and ${b} share a photo`);
  for (const r of first.records) {
    const allowed = photosOf[r.split];
    assert.ok(allowed.includes(r.photo), `${r.image} from ${r.photo}`);
    if (r.kind === 'splice') assert.ok(allowed.includes(String(r.params.donor)), `${r.image} donor ${String(r.params.donor)}`);
  }
  assert.throws(() => splitPhotos([1, 2, 3, 4, 5]), /at least 6 source photos/);
});

test('folds: the same test photos for every fold, each other photo held out as val in exactly one fold', () => {
  const photos = Array.from({ length: 36 }, (_, i) => `p${i}`);
  const plain = splitPhotos(photos);
  const folds = [0, 1, 2, 3].map((index) => splitPhotos(photos, { index, count: 4 }));
  for (const f of folds) {
    assert.equal(f.test, plain.test, 'test photos do not move');
    assert.equal([...f.val, ...f.train].sort(), [...plain.val, ...plain.train].sort(), 'val and train share out the rest');
  }
  const heldOut = folds.flatMap((f) => f.val).sort();
  assert.equal(heldOut, [...plain.val, ...plain.train].sort(), 'every non-test photo is val once');
  assert.equal(folds.map((f) => f.val.length), [6, 7, 6, 6], '25 non-test photos in 4 near-equal parts');
  assert.throws(() => splitPhotos(photos, { index: 4, count: 4 }), /--fold must be an integer in 0\.\.3, got 4/);
  assert.is(splitPhotos(photos.slice(0, 8), { index: 2, count: 3 }).val.length, 2, '6 non-test photos make 3 folds of 2');
  assert.throws(() => splitPhotos(photos.slice(0, 8), { index: 1, count: 4 }), /--folds 4: the 6 photos outside the test split leave fold 1 1 val and 5 train photos, 2 each needed \(at most 3 folds\)/);
});

test('val and test hold a tampered and an authentic image even at the smallest count; a smaller one is refused', async () => {
  const least = minimumCount({ val: 0.1, test: 0.2 });
  assert.is(least, 5, 'two val, two test and one training image');
  const small = await generateSyntheticSet({ out: join(dir, 'small'), count: least, size: 32, seed: 3 });
  for (const split of ['val', 'test'] as const) {
    const kinds = small.records.filter((r) => r.split === split).map((r) => r.kind);
    assert.ok(kinds.includes('authentic') && kinds.some((k) => k !== 'authentic'), `${split}: ${kinds.join(', ')}`);
  }
  assert.ok(small.records.some((r) => r.split === 'train'));
  try {
    await generateSyntheticSet({ out: join(dir, 'smaller'), count: least - 1, size: 32, seed: 3 });
    assert.unreachable('should have refused');
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`--count must be at least ${least}\\b`));
  }
});

/** Largest per-channel difference at pixel p, on the 0–255 scale. */
function pixelDiff(a: RgbImage, b: RgbImage, p: number): number {
  let d = 0;
  for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.data[p * 3 + c]! - b.data[p * 3 + c]!) * 255);
  return d;
}

/** Pixels within `radius` (Chebyshev) of a masked pixel. */
function dilate(mask: Mask, radius: number): Uint8Array {
  const out = new Uint8Array(mask.data.length);
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) {
    if (!mask.data[y * mask.width + x]) continue;
    for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < mask.width && ny < mask.height) out[ny * mask.width + nx] = 1;
    }
  }
  return out;
}

test('each mask marks the region its manipulation changed (composite before post-processing)', async () => {
  for (const kind of MANIPULATIONS) {
    let changedInside = 0;
    let inside = 0;
    for (let i = 0; i < 6; i++) {
      const rng = Rng.fromSeed(100 + i);
      const composed = await composeImage(kind, photos[i]!, photos[i + 1]!, 96, rng, sharpJpeg);
      const { original, composite, mask } = composed;
      // splice's feather may touch pixels just outside its mask (blend weight < ½), within 3σ ≤ 6 px
      const allowed = kind === 'splice' ? dilate(mask, 6) : mask.data;
      for (let p = 0; p < mask.data.length; p++) {
        const diff = pixelDiff(original, composite, p);
        if (!allowed[p]) assert.is(diff, 0, `${kind} #${i}: pixel ${p} outside the mask changed`);
        if (mask.data[p]) {
          inside++;
          if (diff > 0) changedInside++;
        }
      }
      assert.ok(maskArea(mask) > 0, `${kind} #${i}: empty mask`);
    }
    // flat patches (e.g. the black sky of the deep field) can be copied onto themselves unchanged
    assert.ok(changedInside / inside > 0.8, `${kind}: only ${changedInside}/${inside} masked pixels changed`);
  }
  const authentic = await composeImage('authentic', photos[0]!, null, 64, Rng.fromSeed(1), sharpJpeg);
  assert.is(maskArea(authentic.mask), 0);
  assert.equal(authentic.composite.data, authentic.original.data);
});

test.run();
