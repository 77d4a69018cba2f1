// What each manipulation of the synthetic set claims, checked on its output: the exemplar fill
// copies the image's own pixels into the region and nothing outside it, colour matching moves the
// donor's region statistics to the base's, copy-move pastes a scaled and rotated resampling of its
// source region, and every crop (authentic ones too) is JPEG-compressed before post-processing
// compresses it again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jpegRoundTrip, sharpJpeg } from '../../src/data/image-io.ts';
import { createMask, quantise, type Mask, type RgbImage } from '../../src/data/image.ts';
import { Rng } from '../../src/common/rng.ts';
import { matchColour } from '../../src/data/synth/colour-match.ts';
import { composeImage } from '../../src/data/synth/compose.ts';
import { copyMove } from '../../src/data/synth/copy-move.ts';
import { randomCrop } from '../../src/data/synth/crop.ts';
import { exemplarFill } from '../../src/data/synth/exemplar-fill.ts';
import type { Photo } from '../../src/data/synth/photo.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles, loadPhotos } from '../../src/data/synth/photos.ts';

let photos: Photo[] = [];
test.before(async () => {
  photos = await loadPhotos(await listPhotoFiles(BUILTIN_PHOTOS_DIR));
});

/** An image of independent uniform values: every pixel's colour is (almost surely) unique. */
function noiseImage(size: number, seed: number): RgbImage {
  const rng = Rng.fromSeed(seed);
  return { width: size, height: size, data: Float32Array.from({ length: size * size * 3 }, () => rng.next()) };
}

function discMask(size: number, cx: number, cy: number, r: number): Mask {
  const mask = createMask(size, size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mask.data[y * size + x] = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r ? 1 : 0;
  return mask;
}

const colourKey = (d: Float32Array, p: number) => `${d[p * 3]},${d[p * 3 + 1]},${d[p * 3 + 2]}`;

test('exemplar fill: region pixels are copies of pixels outside the region, in tiles; nothing outside changes', () => {
  const base = noiseImage(64, 1);
  const region = discMask(64, 30, 34, 14);
  const filled = exemplarFill(base, region, Rng.fromSeed(2))!;
  const outside = new Map<string, number>();
  for (let p = 0; p < region.data.length; p++) if (!region.data[p]) outside.set(colourKey(base.data, p), p);
  let copied = 0;
  let sameShiftAsRight = 0;
  let pairs = 0;
  for (let p = 0; p < region.data.length; p++) {
    if (!region.data[p]) {
      assert.is(colourKey(filled.data, p), colourKey(base.data, p), `pixel ${p} outside the region changed`);
      continue;
    }
    const source = outside.get(colourKey(filled.data, p));
    assert.ok(source !== undefined, `region pixel ${p} is not a copy of an outside pixel`);
    copied++;
    // texture is copied in blocks: a region pixel's right neighbour mostly comes from the source's right neighbour
    if (region.data[p + 1] && (p + 1) % 64 !== 0) {
      pairs++;
      if (outside.get(colourKey(filled.data, p + 1)) === source + 1) sameShiftAsRight++;
    }
  }
  assert.ok(copied > 500);
  assert.ok(sameShiftAsRight / pairs > 0.7, `${sameShiftAsRight}/${pairs} neighbours copied together`);
});

test('exemplar fill gives up (null) when no window lies wholly outside the region', () => {
  const region = createMask(32, 32);
  region.data.fill(1);
  assert.is(exemplarFill(noiseImage(32, 3), region, Rng.fromSeed(4)), null);
});

function regionMean(image: RgbImage, region: Mask, c: number): number {
  let sum = 0;
  let n = 0;
  for (let p = 0; p < region.data.length; p++) if (region.data[p]) (sum += image.data[p * 3 + c]!), n++;
  return sum / n;
}

test("colour matching moves the donor region's mean toward the base's: half way at strength ½, all the way at 1", () => {
  const size = 64;
  const region = discMask(size, 32, 32, 20);
  const base = { width: size, height: size, data: noiseImage(size, 5).data.map((v, i) => 0.2 + 0.2 * v + (i % 3) * 0.1) };
  const donor = { width: size, height: size, data: noiseImage(size, 6).data.map((v) => 0.55 + 0.3 * v) };
  const half = matchColour(donor, base, region, 0.5);
  const full = matchColour(donor, base, region, 1);
  for (let c = 0; c < 3; c++) {
    const target = regionMean(base, region, c);
    const before = Math.abs(regionMean(donor, region, c) - target);
    const halfway = Math.abs(regionMean(half, region, c) - target) / before; // the mean moves linearly with the strength
    assert.ok(halfway > 0.45 && halfway < 0.55, `channel ${c}: half strength leaves ${halfway} of the gap`);
    assert.ok(Math.abs(regionMean(full, region, c) - target) < 0.01 * before, `channel ${c}: full strength`);
  }
});

/** Bilinear sample of `image` at continuous point (u, v), pixel centres at +½, edges clamped. */
function sample(image: RgbImage, u: number, v: number, c: number): number {
  const fx = Math.min(Math.max(u - 0.5, 0), image.width - 1);
  const fy = Math.min(Math.max(v - 0.5, 0), image.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const at = (x: number, y: number) => image.data[(y * image.width + x) * 3 + c]!;
  const ax = fx - x0;
  const ay = fy - y0;
  return (at(x0, y0) * (1 - ax) + at(x1, y0) * ax) * (1 - ay) + (at(x0, y1) * (1 - ax) + at(x1, y1) * ax) * ay;
}

test('copy-move pastes its source region scaled and rotated: each masked pixel is the source resampled', () => {
  for (let i = 0; i < 4; i++) {
    const base = quantise(randomCrop(photos[i]!.image, 96, Rng.fromSeed(20 + i)));
    const { image, mask, params } = copyMove(base, 0.15 * 96 * 96, Rng.fromSeed(30 + i));
    const a = (params.angleDegrees * Math.PI) / 180;
    const [dx, dy] = params.destination;
    const [sx, sy] = params.source;
    let err = 0;
    let n = 0;
    for (let y = 0; y < 96; y++) {
      for (let x = 0; x < 96; x++) {
        if (!mask.data[y * 96 + x]) continue;
        // destination offset, rotated back by −a and shrunk by 1/scale, from the source point
        const ox = x + 0.5 - dx;
        const oy = y + 0.5 - dy;
        const u = sx + (Math.cos(a) * ox + Math.sin(a) * oy) / params.scale;
        const v = sy + (-Math.sin(a) * ox + Math.cos(a) * oy) / params.scale;
        for (let c = 0; c < 3; c++) err = Math.max(err, Math.abs(image.data[(y * 96 + x) * 3 + c]! - sample(base, u, v, c)));
        n++;
      }
    }
    assert.ok(n > 0 && err < 1e-4, `copy-move ${i}: largest difference ${err * 255} on 0–255`);
    assert.ok(params.scale !== 1 || params.angleDegrees !== 0);
  }
});

test('every crop, authentic or not, is JPEG-compressed at its camera quality before manipulation', async () => {
  for (const kind of ['authentic', 'splice'] as const) {
    for (let i = 0; i < 3; i++) {
      const crop = quantise(randomCrop(photos[i]!.image, 64, Rng.fromSeed(40 + i))); // compose's first draw is the crop
      const composed = await composeImage(kind, photos[i]!, photos[i + 1]!, 64, Rng.fromSeed(40 + i), sharpJpeg);
      const q = composed.params.cameraQuality as number;
      assert.ok(q >= 70 && q <= 95);
      const meanDiff = (a: RgbImage, b: RgbImage) => a.data.reduce((s, v, k) => s + Math.abs(v - b.data[k]!), 0) / a.data.length;
      const fromCrop = meanDiff(composed.original, crop);
      // compressing again at the same quality changes a JPEG-decoded image far less than the crop
      const again = meanDiff(await jpegRoundTrip(composed.original, q), composed.original);
      assert.ok(fromCrop > 0 && again < 0.5 * fromCrop, `${kind} ${i}: crop → original ${fromCrop * 255}, original → again ${again * 255}`);
    }
  }
});

test("a window is the photo's own pixels, not resampled; a rotated donor window is resampled at scale 1", () => {
  const photo = photos[0]!.image;
  const crop = randomCrop(photo, 64, Rng.fromSeed(77));
  // find the window: its first row occurs in the photo at some offset, and then every row does
  let found = false;
  for (let y0 = 0; y0 + 64 <= photo.height && !found; y0++) {
    for (let x0 = 0; x0 + 64 <= photo.width && !found; x0++) {
      if (photo.data[(y0 * photo.width + x0) * 3] !== crop.data[0]) continue;
      found = Array.from({ length: 64 }, (_, y) => y).every((y) => {
        const row = photo.data.subarray(((y0 + y) * photo.width + x0) * 3, ((y0 + y) * photo.width + x0 + 64) * 3);
        return row.every((v, k) => v === crop.data[y * 64 * 3 + k]);
      });
    }
  }
  assert.ok(found, 'the crop is a window of the photo, value for value');
  const rotated = randomCrop(photo, 64, Rng.fromSeed(78), Math.PI / 9);
  assert.equal([rotated.width, rotated.height], [64, 64]);
});

test.run();
