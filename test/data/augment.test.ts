// Augmentation (geometry moves image and mask together), robustness perturbations, filters, and
// the seeded generator's determinism and state round trip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { augment, AUGMENT_SETTINGS, flipHorizontal, flipVertical, rotate90, scaleCrop, type Pair } from '../../src/data/augment.ts';
import { addGaussianNoise, gaussianBlur, sigmaForKernelSize } from '../../src/data/filters.ts';
import { imageToChw } from '../../src/data/image.ts';
import { sharpJpeg } from '../../src/data/image-io.ts';
import type { JpegCodec } from '../../src/data/jpeg-codec.ts';
import { Rng } from '../../src/common/rng.ts';
import { describePerturbation, perturb, ROBUSTNESS_GRID } from '../../src/metrics/robustness.ts';

/** A w×h pair whose image encodes each pixel's position: red = x / 255, green = y / 255; mask = x > y. */
function positionPair(w: number, h: number): Pair {
  const image = { width: w, height: h, data: new Float32Array(w * h * 3) };
  const mask = { width: w, height: h, data: new Uint8Array(w * h) };
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    image.data[(y * w + x) * 3] = x / 255;
    image.data[(y * w + x) * 3 + 1] = y / 255;
    mask.data[y * w + x] = x > y ? 1 : 0;
  }
  return { image, mask };
}

/** Checks that every output pixel's mask value agrees with the source position its colour encodes. */
function assertAligned(pair: Pair): void {
  for (let p = 0; p < pair.mask.data.length; p++) {
    const x = Math.round(pair.image.data[p * 3]! * 255);
    const y = Math.round(pair.image.data[p * 3 + 1]! * 255);
    assert.is(pair.mask.data[p], x > y ? 1 : 0, `pixel ${p} (from ${x},${y})`);
  }
}

test('flips and quarter turns move pixels where expected, image and mask together', () => {
  const pair = positionPair(5, 3);
  const h = flipHorizontal(pair);
  assert.is(Math.round(h.image.data[0]! * 255), 4); // top-left now holds x = 4
  const v = flipVertical(pair);
  assert.is(Math.round(v.image.data[1]! * 255), 2); // top-left now holds y = 2
  const r = rotate90(pair, 1); // clockwise: 3×5, top-left holds the old bottom-left (0, 2)
  assert.equal([r.image.width, r.image.height], [3, 5]);
  assert.equal([Math.round(r.image.data[0]! * 255), Math.round(r.image.data[1]! * 255)], [0, 2]);
  for (const out of [h, v, r, rotate90(pair, 2), rotate90(pair, 3)]) assertAligned(out);
  assert.equal(rotate90(rotate90(pair, 3), 1).image.data, pair.image.data);
  assert.equal(flipHorizontal(h).mask.data, pair.mask.data);
});

test('scale + crop by an integer zoom keeps image and mask aligned', () => {
  const pair = positionPair(16, 16);
  const out = scaleCrop(pair, 1, 3, 2, 8); // plain crop: output (0,0) is source (3,2)
  assert.equal([Math.round(out.image.data[0]! * 255), Math.round(out.image.data[1]! * 255)], [3, 2]);
  assertAligned(out);
  assert.throws(() => scaleCrop({ image: pair.image, mask: { width: 3, height: 3, data: new Uint8Array(9) } }, 1, 0, 0, 4), /16×16 but mask is 3×3/);
});

test('augment: same seed, same result; output has the requested size and mask stays binary', async () => {
  const pair = positionPair(40, 30);
  const a = await augment(pair, Rng.fromSeed(5), { size: 24 }, sharpJpeg);
  const b = await augment(pair, Rng.fromSeed(5), { size: 24 }, sharpJpeg);
  assert.equal(a.image.data, b.image.data);
  assert.equal(a.applied, b.applied);
  assert.is(a.image.width, 24);
  assert.ok(a.mask.data.every((v) => v === 0 || v === 1));
  const geometryOnly = { size: 24, jpeg: { probability: 0, quality: [90, 90] as [number, number] }, blur: { probability: 0, sigma: [1, 1] as [number, number] }, noise: { probability: 0, sigma: [1, 1] as [number, number] } };
  for (let seed = 0; seed < 8; seed++) {
    const out = await augment(pair, Rng.fromSeed(seed), { ...geometryOnly, scale: [1, 1] });
    assert.is(out.mask.data.length, 24 * 24);
    assert.ok(out.applied.every((s) => !/jpeg|blur|noise/.test(s)));
  }
});

test('geometric augmentation of an image at the input size only moves its pixels; full changes their values', async () => {
  const pair = positionPair(32, 32);
  const sorted = (data: Float32Array) => Array.from(data).sort((a, b) => a - b);
  const source = sorted(pair.image.data);
  let changed = 0;
  for (let seed = 0; seed < 12; seed++) {
    const geometric = await augment(pair, Rng.fromSeed(seed), { size: 32, ...AUGMENT_SETTINGS.geometric });
    assert.equal(sorted(geometric.image.data), source, `seed ${seed}: ${geometric.applied.join(', ')}`);
    assertAligned(geometric);
    const full = await augment(pair, Rng.fromSeed(seed), { size: 32, ...AUGMENT_SETTINGS.full }, sharpJpeg);
    if (sorted(full.image.data).some((v, i) => v !== source[i])) changed++;
  }
  assert.ok(changed >= 6, `full changed pixel values in ${changed} of 12 draws`);
});

test('augment takes its JPEG codec from the caller: a JPEG step without one is refused, a step turned off needs none', async () => {
  const pair = positionPair(16, 16);
  try {
    await augment(pair, Rng.fromSeed(1), { size: 16, ...AUGMENT_SETTINGS.full });
    assert.unreachable('should have refused');
  } catch (e) {
    assert.match((e as Error).message, /re-compresses with JPEG: augment needs a JpegCodec/);
  }
  const qualities: number[] = [];
  const spy: JpegCodec = {
    roundTrip(image, quality) {
      qualities.push(quality);
      return sharpJpeg.roundTrip(image, quality);
    },
  };
  for (let seed = 0; seed < 12; seed++) await augment(pair, Rng.fromSeed(seed), { size: 16, ...AUGMENT_SETTINGS.full, jpeg: { probability: 1, quality: [80, 80] } }, spy);
  assert.equal(qualities, Array(12).fill(80), 'every JPEG step goes through the codec given, at the quality drawn');
  await augment(pair, Rng.fromSeed(1), { size: 16, ...AUGMENT_SETTINGS.geometric });
});

test('blur: kernel weights sum to one (a flat image stays flat), OpenCV sigma rule', () => {
  const flat = { width: 6, height: 4, data: new Float32Array(72).fill(0.4) };
  assert.ok(gaussianBlur(flat, 1.3).data.every((v) => Math.abs(v - 0.4) < 1e-6));
  assert.ok(Math.abs(sigmaForKernelSize(3) - 0.8) < 1e-12);
  assert.ok(Math.abs(sigmaForKernelSize(23) - 3.8) < 1e-12);
  assert.throws(() => sigmaForKernelSize(4), /odd positive integer/);
});

test('noise: standard deviation as asked, on the 0–255 scale', () => {
  const grey = { width: 100, height: 100, data: new Float32Array(30000).fill(0.5) };
  const noisy = addGaussianNoise(grey, 5, Rng.fromSeed(3));
  let sum = 0;
  for (const v of noisy.data) sum += ((v - 0.5) * 255) ** 2;
  const sd = Math.sqrt(sum / noisy.data.length);
  assert.ok(Math.abs(sd - 5) < 0.1, `sd ${sd}`);
});

test('robustness grid: every perturbation runs and changes a textured image', async () => {
  const { image } = positionPair(32, 32);
  for (const p of ROBUSTNESS_GRID) {
    const out = await perturb(image, p, Rng.fromSeed(1));
    assert.is(out.data.length, image.data.length);
    if (!(p.kind === 'jpeg' && p.quality === 100)) assert.not.equal(out.data, image.data, describePerturbation(p));
  }
});

test('HWC to CHW keeps every value in its plane', () => {
  const { image } = positionPair(3, 2);
  const chw = imageToChw(image);
  assert.is(chw[1 * 6 + 4], image.data[4 * 3 + 1]); // green of pixel 4 = (1, 1)
  assert.is(chw[0 * 6 + 2], Math.fround(2 / 255)); // red of pixel (2, 0) holds x = 2
  assert.is(describePerturbation({ kind: 'blur', kernel: 7 }), 'blur k=7');
});

test('rng: deterministic, independent streams, state round trip, sane moments', () => {
  const a = Rng.fromSeed(42);
  const b = Rng.fromSeed(42);
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.equal(Array.from({ length: 5 }, () => b.nextU32()), xs);
  assert.not.equal(Rng.fromSeed(42, 1).nextU32(), Rng.fromSeed(42, 2).nextU32());
  const saved = a.getState();
  const next = a.next();
  assert.is(Rng.fromState(saved).next(), next);
  assert.equal(JSON.parse(JSON.stringify(saved)), saved);
  assert.throws(() => Rng.fromState([0, 0, 0, 0]), /all zero/);
  const r = Rng.fromSeed(9);
  let mean = 0;
  let sq = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    mean += z / n;
    sq += (z * z) / n;
  }
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sq - 1) < 0.05, `normal mean ${mean} var ${sq}`);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[r.int(0, 2)]!++;
  assert.ok(counts.every((c) => c > 900), `int(0, 2) counts ${counts}`);
});

test.run();
