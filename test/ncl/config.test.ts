// Training configs: layering (defaults, file, command line), the optimisers' defaults, and errors
// that name the option.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { optimizerSettings, resolveTrainConfig, warmupOf } from '../../src/ncl/train/config.ts';

test('layers: later fields win, nested model and ncl fields merge', () => {
  const c = resolveTrainConfig({ steps: 10, warmupSteps: 2, model: { inputSize: 64 }, ncl: { tau: 0.2 } }, { steps: 20, ncl: { lambdaPc: 0 } });
  assert.is(c.steps, 20);
  assert.is(c.model.inputSize, 64);
  assert.equal([c.ncl.tau, c.ncl.lambdaPc, c.ncl.roleSwitch], [0.2, 0, 'dual']);
});

test('optimiser defaults: AdamW 1e-3 / 0.05, SGD 0.01 / 5e-4 (DeepLab); explicit values win', () => {
  assert.equal(optimizerSettings(resolveTrainConfig({})), { lr: 1e-3, weightDecay: 0.05 });
  assert.equal(optimizerSettings(resolveTrainConfig({ optimizer: 'sgd' })), { lr: 0.01, weightDecay: 5e-4 });
  assert.equal(optimizerSettings(resolveTrainConfig({ optimizer: 'sgd', lr: 0.007 })), { lr: 0.007, weightDecay: 5e-4 });
});

test('warm-up: 5 % of the steps, at most 50, unless given; a short run needs no --warmup', () => {
  assert.equal([2, 100, 1000, 5000].map((steps) => warmupOf(resolveTrainConfig({ steps }))), [0, 5, 50, 50]);
  assert.is(warmupOf(resolveTrainConfig({ steps: 100, warmupSteps: 30 })), 30);
});

test('bad values are errors naming the option', () => {
  const cases: Array<[Parameters<typeof resolveTrainConfig>[0], RegExp]> = [
    [{ preset: 'huge' as 'tiny' }, /preset must be one of paper, tiny, got 'huge'/],
    [{ steps: 10, warmupSteps: 10 }, /warmupSteps \(10\) must be smaller than steps \(10\)/],
    [{ ncl: { roleSwitch: 'both' as 'dual' } }, /roleSwitch must be one of dual, switch, alternate, drop, off/],
    [{ ncl: { switchEvery: 0 } }, /switchEvery must be an integer ≥ 1, got 0/],
    [{ ncl: { anchorBalance: 'equal' as 'weight' } }, /anchorBalance must be one of weight, sample, got 'equal'/],
    [{ ncl: { pivotConsistency: 'some' as 'all' } }, /pivotConsistency must be one of non-contour, all, got 'some'/],
    [{ ncl: { lambdaContour: -1 } }, /lambdaContour must be ≥ 0, got -1/],
    [{ ncl: { consistencyTarget: 'self' as 'pivot' } }, /consistencyTarget must be one of other-head, pivot, got 'self'/],
    [{ ncl: { patchSize: 10 } }, /patchSize must be a multiple of 4/],
    [{ model: { outputStride: 32 as 16 } }, /outputStride must be 8 or 16, got 32/],
    [{ lr: -1 }, /lr must be > 0, got -1/],
    [{ accumulate: 0 }, /accumulate must be an integer ≥ 1, got 0/],
  ];
  for (const [layer, message] of cases) assert.throws(() => resolveTrainConfig(layer), message);
});

test('configs written with augment true or false read as full or none', () => {
  assert.is(resolveTrainConfig({ augment: true as never }).augment, 'full');
  assert.is(resolveTrainConfig({ augment: false as never }).augment, 'none');
  assert.is(resolveTrainConfig({}).augment, 'geometric');
  assert.throws(() => resolveTrainConfig({ augment: 'some' as never }), /augment must be one of full, geometric, none, got 'some'/);
});

test.run();
