// Bilinear resize (alignCorners true and false, up and down, to and from size 1) and nearest
// resize: forward against a float64 per-pixel reference written from PyTorch's formulas, and the
// gradient against central finite differences.
// Tolerance: forward atol 1e-5 rtol 1e-5; gradients atol 1e-4 rtol 1e-3.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { refBilinear, refNearest } from '../../src/check/resize-reference.ts';

const random = rng(51);
const FWD = { fwdAtol: 1e-5, fwdRtol: 1e-5 };

test.before(async () => {
  await device();
});

const cases: Array<[string, number[], [number, number]]> = [
  ['up 5×7 → 11×13', [2, 2, 5, 7], [11, 13]],
  ['down 13×17 → 6×5', [1, 2, 13, 17], [6, 5]],
  ['up ×4 exactly, 3×4 → 12×16', [1, 1, 3, 4], [12, 16]],
  ['mixed 9×4 → 4×9', [1, 3, 9, 4], [4, 9]],
  ['from 1×1 to 4×3', [2, 1, 1, 1], [4, 3]],
  ['to 1×1 from 5×6', [1, 2, 5, 6], [1, 1]],
];

for (const align of [false, true]) {
  for (const [name, shape, size] of cases) {
    test(`bilinear ${name}, alignCorners ${align}`, async () => {
      await checkOp({
        name: `bilinear ${name} align ${align}`,
        inputs: [randomArr(shape, random)],
        gpu: ([x]) => ncl.resizeBilinear(x!, size, { alignCorners: align }),
        ref: ([x]) => refBilinear(x!, size[0], size[1], align),
        ...FWD,
      });
    });
  }
}

test('nearest resize up and down, with its gradient', async () => {
  for (const [shape, size] of [
    [[1, 2, 5, 7], [11, 13]],
    [[2, 1, 13, 9], [4, 5]],
  ] as Array<[number[], [number, number]]>) {
    await checkOp({
      name: `nearest ${shape} → ${size}`,
      inputs: [randomArr(shape, random)],
      gpu: ([x]) => ncl.resizeNearest(x!, size),
      ref: ([x]) => refNearest(x!, size[0], size[1]),
      ...FWD,
    });
  }
});

test('larger forward: 2×3×32×40 → 128×160 and → 13×11, both conventions', async () => {
  const x = randomArr([2, 3, 32, 40], random);
  for (const align of [false, true]) {
    for (const [h, w] of [
      [128, 160],
      [13, 11],
    ] as Array<[number, number]>) {
      const got = await ncl.resizeBilinear(toTensor(x), [h, w], { alignCorners: align }).data();
      assertClose(got, refBilinear(x, h, w, align).data, 1e-5, 1e-5, `bilinear → ${h}×${w} align ${align}`);
    }
  }
});

test('nearest keeps binary masks binary', async () => {
  const m = toTensor({ shape: [1, 1, 6, 6], data: Float64Array.from({ length: 36 }, (_, i) => (i % 7 < 3 ? 1 : 0)) });
  const y = await ncl.resizeNearest(m, [17, 9]).data();
  assert.ok(y.every((v) => v === 0 || v === 1));
});

test.run();
