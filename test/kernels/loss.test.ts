// Pixel-wise softmax cross-entropy (2 and 5 classes, ignore value, class weights) and binary
// cross-entropy with logits (with and without pos_weight): the mean loss against float64 and its
// gradients (logits; BCE targets too) against central finite differences.
// Tolerance: forward atol 1e-5 rtol 1e-5; gradients atol 1e-5 rtol 1e-3 (means of ~100 terms).
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import type { Arr } from '../../src/check/reference.ts';
import { device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { refCrossEntropy, refBce } from '../../src/check/loss-reference.ts';

const random = rng(71);
const TOL = { fwdAtol: 1e-5, fwdRtol: 1e-5, atol: 1e-5, rtol: 1e-3 };

test.before(async () => {
  await device();
});

function labels(shape: number[], C: number, ignore: number | null): Arr {
  return { shape, data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (ignore !== null && random() < 0.2 ? ignore : Math.floor(random() * C))) };
}

const ceCases: Array<[string, number[], number | null, number[] | null]> = [
  ['2 classes, 2×2×5×7', [2, 2, 5, 7], null, null],
  ['2 classes with ignore 255', [2, 2, 6, 5], 255, null],
  ['5 classes with ignore −100 and class weights', [1, 5, 4, 6], -100, [0.5, 2, 1, 0.25, 3]],
  ['2 classes with class weights, odd 1×2×13×17', [1, 2, 13, 17], null, [0.3, 1.7]],
];

for (const [name, shape, ignore, weights] of ceCases) {
  test(`softmaxCrossEntropy ${name}`, async () => {
    const t = labels([shape[0]!, ...shape.slice(2)], shape[1]!, ignore);
    const cw = weights ? ncl.tensor(weights, [weights.length]) : undefined;
    await checkOp({
      name,
      inputs: [randomArr(shape, random, -3, 3), t],
      constant: [1],
      gpu: ([z, tt]) => ncl.softmaxCrossEntropy(z!, tt!, { ignoreIndex: ignore ?? undefined, classWeights: cw }),
      ref: ([z, tt]) => refCrossEntropy(z!, tt!, weights, ignore),
      ...TOL,
    });
  });
}

test('softmaxCrossEntropy is stable for large logits', async () => {
  const loss = await ncl.softmaxCrossEntropy(ncl.tensor([1000, -1000, -1000, 1000], [1, 2, 2]), ncl.tensor([0, 1], [1, 2])).item();
  assert.is(loss, 0);
});

for (const pw of [1, 3]) {
  test(`bceWithLogits, pos_weight ${pw}, soft targets, both gradients`, async () => {
    await checkOp({
      name: `bce pw ${pw}`,
      inputs: [randomArr([2, 1, 7, 9], random, -4, 4), randomArr([2, 1, 7, 9], random, 0, 1)],
      gpu: ([x, t]) => ncl.bceWithLogits(x!, t!, { posWeight: pw }),
      ref: ([x, t]) => refBce(x!, t!, pw),
      ...TOL,
    });
  });
}

test('bceWithLogits is finite for large logits', async () => {
  const x = toTensor({ shape: [4], data: Float64Array.from([80, -80, 80, -80]) });
  const t = toTensor({ shape: [4], data: Float64Array.from([1, 0, 0, 1]) });
  const loss = await ncl.bceWithLogits(x, t).item();
  assert.ok(Math.abs(loss - 40) < 1e-4, `loss ${loss}`);
});

test.run();
