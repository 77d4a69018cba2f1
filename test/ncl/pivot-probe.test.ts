// The linear probe's patches (src/ncl/pivot-probe.ts) on a hand-made pivot: a patch's feature is the
// pivot's mean over its cell, its label its kind, contour patches left out; the logistic regression
// it fits (src/metrics/logistic.ts) separates linearly separable features.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fitLogistic, predictLogistic } from '../../src/metrics/logistic.ts';
import { pivotPatches } from '../../src/ncl/pivot-probe.ts';

test('pivot patches: cell means and kinds from the mask; a contour patch is left out', () => {
  // pivot [C = 2, h = 2, w = 2] of an 8 px input (stride 4); channel 0 = 1, 2, 3, 4, channel 1 = 10 × that
  const pivot = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
  const mask = new Uint8Array(64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) mask[y * 8 + x] = 1; // the left half tampered
  const small = pivotPatches(pivot, 2, 2, 2, mask, 8, { patchSize: 4, epsilon: 0 });
  assert.equal(small.labels, [1, 0, 1, 0]);
  assert.equal(small.features.map((f) => [...f]), [[1, 10], [2, 20], [3, 30], [4, 40]]);
  const whole = pivotPatches(pivot, 2, 2, 2, mask, 8, { patchSize: 8, epsilon: 0 });
  assert.equal(whole.labels, [], 'one 8 px patch, half tampered: contour');
  const loose = pivotPatches(pivot, 2, 2, 2, mask, 8, { patchSize: 8, epsilon: 0.5 });
  assert.equal([loose.labels, [...loose.features[0]!]], [[0], [2.5, 25]], 'ε = ½ calls it authentic; the mean of the four cells');
});

test('the linear logistic regression separates separable features', () => {
  const xs = Array.from({ length: 40 }, (_, i) => Float64Array.of(i < 20 ? -1 - (i % 5) / 10 : 1 + (i % 5) / 10, (i * 7) % 3));
  const ys = xs.map((_, i) => (i < 20 ? 0 : 1));
  const model = fitLogistic(xs, ys);
  assert.is(model.weights.length, 3, 'bias and one weight per feature: no squares');
  assert.ok(xs.every((x, i) => (predictLogistic(model, x) > 0.5) === (ys[i] === 1)));
});

test.run();
