// Patches (docs/method.md §3): pooling, labels and sampling.
//   Pooling: forward against a float64 reference (atol 1e-5, rtol 1e-4), gradient against central
//   finite differences of it (atol 1e-4, rtol 1e-3), on maps whose sides are and are not multiples
//   of the cell (partial border cells average over the part inside the map).
//   Labels (on the host): ratio (atol 1e-6) and kind exactly, against a reference, with ε = 0 and
//   ε = 0.1, including partial border cells.
//   Sampling: budget, contour cap, balance between authentic and tampered, seeded reproducibility,
//   increasing rows, and the gather/scatter of sampled rows.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { runtime } from '../../src/runtime/context.ts';
import { Rng } from '../../src/common/rng.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { arr } from '../../src/check/reference.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { poolRef, labelsRef } from '../../src/check/patch-reference.ts';

const random = rng(31);

test.before(async () => {
  await device();
});

const poolCases: Array<[string, number[], [number, number], number]> = [
  ['whole cells: [2,6,8,8] at stride 4, p = 16', [2, 6, 8, 8], [32, 32], 16],
  ['partial border cells: [2,5,7,9] at stride 2, p = 6', [2, 5, 7, 9], [14, 18], 6],
  ['cell of one position: [1,3,3,2] at stride 1, p = 1', [1, 3, 3, 2], [3, 2], 1],
];

for (const [name, shape, image, patch] of poolCases) {
  test(`pooling forward and gradient, ${name}`, async () => {
    const grid = ncl.patchGrid(shape, image, patch);
    await checkOp({
      name,
      inputs: [randomArr(shape, random)],
      gpu: ([x]) => ncl.poolPatchEmbeddings(x!, grid),
      ref: ([x]) => poolRef(x!, patch / grid.stride),
      fwdAtol: 1e-5,
      fwdRtol: 1e-4,
    });
  });
}

test('labels: ratio and kind with ε = 0 and ε = 0.1, including partial border cells', async () => {
  // 2 images of 13×10 pixels, p = 4: a tampered block, its boundary, one stray pixel per cell
  // of one row (r = 1/16 or 15/16, which ε = 0.1 absorbs), and partial cells at the border.
  const [b, h, w] = [2, 13, 10];
  const mask = arr([b, 1, h, w]);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const block = y >= 2 + n && y < 11 && x >= 3 && x < 9;
        const stray = y === 0 && x % 4 === 1;
        mask.data[(n * h + y) * w + x] = block !== stray ? 1 : 0;
      }
  const grid = ncl.patchGrid([b, 8, h, w], [h, w], 4);
  for (const epsilon of [0, 0.1]) {
    const { ratio, kind } = ncl.patchLabels(mask.data, grid, epsilon);
    const want = labelsRef(mask, 4, epsilon);
    assertClose(ratio, want.ratio, 1e-6, 0, `ratio ε=${epsilon}`);
    assert.equal(Array.from(kind), want.kind, `kind ε=${epsilon}`);
    const kinds = new Set(want.kind);
    assert.is(kinds.size, 3, 'the mask gives all three kinds');
  }
});

test('patch grid, pooling and labels: shapes, errors and the loop budget', async () => {
  const x = toTensor(randomArr([1, 4, 6, 6], random));
  const grid = ncl.patchGrid(x.shape, [24, 24], 8);
  assert.equal(ncl.poolPatchEmbeddings(x, grid).shape, [9, 4]);
  assert.equal(Array.from(ncl.patchLabels(new Uint8Array(24 * 24), grid).kind), new Array(9).fill(ncl.PATCH_AUTHENTIC));
  assert.throws(() => ncl.patchGrid([1, 4, 6, 6], [24, 20], 8), /24×20 image and a 6×6 embedding map/);
  assert.throws(() => ncl.patchGrid([1, 4, 6, 6], [24, 24], 6), /patch size 6 px is not a whole number/);
  assert.throws(() => ncl.patchLabels(new Uint8Array(24 * 23), grid), /552 mask values do not match the grid's \[1, 1, 24, 24\]/);
  assert.throws(() => ncl.patchLabels(new Uint8Array(24 * 24), grid, 0.5), /ε must be in \[0, 0.5\)/);
  const wide = ncl.zeros([1, 512, 16, 16]);
  const pool = () => ncl.poolPatchEmbeddings(wide, ncl.patchGrid(wide.shape, [64, 64], 64));
  if (runtime().adapter.loopIterationCap !== null) assert.throws(pool, /stop every shader loop after 65535/);
  else assert.equal(pool().shape, [1, 512]);
});

function countKinds(kinds: Uint8Array): number[] {
  const c = [0, 0, 0];
  for (const k of kinds) c[k]!++;
  return c;
}

function kindsOf(authentic: number, tampered: number, contour: number): number[] {
  const kinds = [...new Array(authentic).fill(0), ...new Array(tampered).fill(1), ...new Array(contour).fill(2)];
  return Rng.fromSeed(5).shuffle(kinds);
}

test('sampling: budget, contour cap, balance, everything when it fits', () => {
  const take = (kinds: number[], options: ncl.PatchSampleOptions) => {
    const s = ncl.samplePatches(kinds, Rng.fromSeed(1), options);
    s.index.dispose();
    for (let i = 1; i < s.rows.length; i++) assert.ok(s.rows[i - 1]! < s.rows[i]!, 'rows increase');
    s.rows.forEach((r, i) => assert.is(s.kinds[i], kinds[r]));
    return countKinds(s.kinds);
  };
  assert.equal(take(kindsOf(900, 300, 100), { maxPatches: 1000 }), [600, 300, 100]);
  assert.equal(take(kindsOf(900, 700, 100), { maxPatches: 1000 }), [450, 450, 100]);
  assert.equal(take(kindsOf(900, 700, 800), { maxPatches: 1000 }), [250, 250, 500]);
  assert.equal(take(kindsOf(900, 700, 800), { maxPatches: 1000, contourCap: 100 }), [450, 450, 100]);
  assert.equal(take(kindsOf(50, 20, 10), { maxPatches: 1000 }), [50, 20, 10]);
  assert.equal(take(kindsOf(50, 20, 10), { maxPatches: 1000, contourCap: 4 }), [50, 20, 4]);
  assert.equal(take(kindsOf(3, 0, 0), { maxPatches: 0 }), [0, 0, 0]);
  assert.equal(take(kindsOf(50, 20, 10), { maxPatches: 1000, contourCap: 0 }), [50, 20, 0], 'drop spends nothing on contour patches');
});

test('sampling, balance `sample`: the same count of every kind in use and present', () => {
  const take = (kinds: number[], options: ncl.PatchSampleOptions) => {
    const s = ncl.samplePatches(kinds, Rng.fromSeed(3), { ...options, balance: 'sample' });
    s.index.dispose();
    return countKinds(s.kinds);
  };
  assert.equal(take(kindsOf(430, 27, 55), { maxPatches: 2048 }), [27, 27, 27]);
  assert.equal(take(kindsOf(430, 27, 55), { maxPatches: 2048, contourCap: 0 }), [27, 27, 0]);
  assert.equal(take(kindsOf(900, 700, 800), { maxPatches: 900 }), [300, 300, 300]);
  assert.equal(take(kindsOf(900, 700, 800), { maxPatches: 900, contourCap: 100 }), [100, 100, 100]);
  assert.equal(take(kindsOf(64, 0, 0), { maxPatches: 2048 }), [64, 0, 0], 'an authentic-only batch keeps its authentic patches');
  assert.equal(take(kindsOf(40, 0, 9), { maxPatches: 2048 }), [9, 0, 9]);
});

test('anchor weights: each kind sampled carries the same total weight', () => {
  for (const balance of ['weight', 'sample'] as const) {
    const s = ncl.samplePatches(kindsOf(430, 27, 55), Rng.fromSeed(4), { maxPatches: 2048, balance });
    s.index.dispose();
    const total = [0, 0, 0];
    s.kinds.forEach((k, i) => (total[k]! += s.anchorWeights[i]!));
    assertClose(total, [1, 1, 1], 1e-6, 0, `${balance}: total weight per kind`);
  }
});

test('sampling: the same seed gives the same rows, another seed other rows', () => {
  const kinds = kindsOf(3000, 1000, 400);
  const rows = (seed: number) => {
    const s = ncl.samplePatches(kinds, Rng.fromSeed(seed), { maxPatches: 2048 });
    s.index.dispose();
    return Array.from(s.rows);
  };
  assert.equal(rows(7), rows(7));
  assert.not.equal(rows(7), rows(8));
});

test('sampled rows gather embeddings; the gradient scatters back to the sampled patches only', async () => {
  const kinds = kindsOf(12, 6, 3);
  const s = ncl.samplePatches(kinds, Rng.fromSeed(2), { maxPatches: 10 });
  const x = toTensor(randomArr([kinds.length, 4], random), true);
  ncl.tidy(() => ncl.backward(ncl.sum(ncl.gatherRows(x, s.index))));
  const grad = await x.grad!.data();
  const sampled = new Set(s.rows);
  for (let r = 0; r < kinds.length; r++) {
    assert.equal(Array.from(grad.subarray(r * 4, r * 4 + 4)), new Array(4).fill(sampled.has(r) ? 1 : 0));
  }
  s.index.dispose();
});

test.run();
