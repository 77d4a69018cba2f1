// batchNorm2d in training mode (batch statistics, gradients through them) and eval mode (running
// statistics), forward against float64 and gradients of input, weight and bias against central
// finite differences; running mean/variance over several training steps against float64; the
// fused batch norm + ReLU against the float64 composition and against the unfused ops (same bits).
// Tolerance: forward atol 1e-5 rtol 1e-4; gradients atol 1e-4 rtol 1e-3; running statistics
// atol 1e-6 rtol 1e-5.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import type { Arr } from '../../src/check/reference.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { moments, refNorm } from '../../src/check/batchnorm-reference.ts';
import { BATCHNORM_SUMS, BATCHNORM_SUMS_CANDIDATES } from '../../src/kernels/batchnorm.ts';
import { runtime } from '../../src/runtime/context.ts';

const random = rng(41);
const FWD = { fwdAtol: 1e-5, fwdRtol: 1e-4 };

test.before(async () => {
  await device();
});

const refTrain = ([x, w, b]: Arr[]) => {
  const m = moments(x!);
  return refNorm(x!, w!, b!, m.mean, m.variance);
};

for (const shape of [
  [2, 3, 4, 5],
  [3, 2, 3, 7],
  [1, 4, 5, 3],
]) {
  test(`training mode ${JSON.stringify(shape)}: batch statistics and their gradient`, async () => {
    const C = shape[1]!;
    await checkOp({
      name: 'batchNorm2d train',
      inputs: [randomArr(shape, random, -2, 2), randomArr([C], random, 0.5, 1.5), randomArr([C], random)],
      gpu: ([x, w, b]) => ncl.batchNorm2d(x!, w!, b!, { training: true }),
      ref: refTrain,
      ...FWD,
    });
  });
}

// Every cut the tuner may choose on N·H·W = 2310 (three pieces of 1024 for 64×16, the last short;
// one piece for the others), four pieces of 64 with a short last one, and 162 pieces of one value
// (workgroups of one invocation), whose sum over pieces runs in two passes (reduce.wgsl's chunks).
// The subgroup forms run where the adapter has subgroups (SwiftShader in the browser suite, with
// subgroups of 4: several per workgroup); elsewhere they must be refused by name.
for (const [variant, shape] of [
  ...BATCHNORM_SUMS_CANDIDATES.map((v) => [v, [2, 3, 33, 35]] as const),
  [{ wg: 64, per: 1 }, [2, 3, 9, 11]],
  [{ wg: 1, per: 1 }, [2, 2, 9, 9]],
  [{ wg: 8, per: null, subgroups: true }, [3, 2, 9, 11]],
  [{ wg: 1, per: 1, subgroups: true }, [2, 2, 9, 9]],
] as const) {
  test(`training mode ${JSON.stringify(shape)}, channel sums cut ${JSON.stringify(variant)}`, async () => {
    const C = shape[1];
    if ('subgroups' in variant && !runtime().adapter.subgroups) {
      const x = ncl.zeros([...shape]);
      await BATCHNORM_SUMS.with(variant, async () => assert.throws(() => ncl.batchNorm2d(x, ncl.ones([C]), ncl.zeros([C]), { training: true }), /uses subgroup operations, which this adapter .* lacks/));
      return;
    }
    await BATCHNORM_SUMS.with(variant, () =>
      checkOp({
        name: `batchNorm2d train ${JSON.stringify(variant)}`,
        inputs: [randomArr([...shape], random, -2, 2), randomArr([C], random, 0.5, 1.5), randomArr([C], random)],
        gpu: ([x, w, b]) => ncl.batchNorm2d(x!, w!, b!, { training: true }),
        ref: refTrain,
        ...FWD,
      }),
    );
  });
}

const reluRef = (y: Arr): Arr => ({ shape: y.shape, data: y.data.map((v) => Math.max(v, 0)) });

for (const [variant, shape] of [
  [BATCHNORM_SUMS.defaults.cpu, [2, 3, 4, 5]],
  [{ wg: 64, per: 1 }, [3, 2, 9, 11]],
] as const) {
  test(`training mode with a fused ReLU ${JSON.stringify(shape)}, channel sums cut ${JSON.stringify(variant)}`, async () => {
    const C = shape[1];
    await BATCHNORM_SUMS.with(variant, () =>
      checkOp({
        name: 'batchNorm2d + relu train',
        inputs: [randomArr([...shape], random, -2, 2), randomArr([C], random, 0.5, 1.5), randomArr([C], random, -0.5, 0.5)],
        gpu: ([x, w, b]) => ncl.batchNorm2d(x!, w!, b!, { training: true, relu: true }),
        ref: (xs) => reluRef(refTrain(xs)),
        ...FWD,
      }),
    );
  });
}

test('fused batch norm + ReLU: the same bits as batchNorm2d then relu, forward and gradients, both modes', async () => {
  const C = 5;
  const x = randomArr([3, C, 7, 9], random, -2, 2);
  const w = randomArr([C], random, 0.5, 1.5);
  const b = randomArr([C], random, -0.5, 0.5);
  const R = toTensor(randomArr([3, C, 7, 9], random));
  const rm = randomArr([C], random);
  const rv = randomArr([C], random, 0.2, 2);
  for (const training of [true, false]) {
    const run = async (fused: boolean) => {
      const ts = [x, w, b].map((a) => toTensor(a, true));
      const options = { training, runningMean: training ? null : toTensor(rm), runningVar: training ? null : toTensor(rv) };
      const y = ncl.tidy(() => {
        const out = fused ? ncl.batchNorm2d(ts[0]!, ts[1]!, ts[2]!, { ...options, relu: true }) : ncl.relu(ncl.batchNorm2d(ts[0]!, ts[1]!, ts[2]!, options));
        ncl.backward(ncl.sum(ncl.mul(out, R)));
        return out;
      });
      return [await y.data(), ...(await Promise.all(ts.map((t) => t.grad!.data())))].map((a) => Array.from(a));
    };
    const [fused, unfused] = [await run(true), await run(false)];
    assert.ok(fused[0]!.some((v) => v === 0) && fused[0]!.some((v) => v > 0), 'the ReLU clips some values and passes others');
    ['output', 'dx', 'dw', 'db'].forEach((what, i) => assert.equal(fused[i], unfused[i], `${what}, ${training ? 'training' : 'eval'}`));
  }
});

test('eval mode: running statistics, gradient w·g/sqrt(var + eps)', async () => {
  const C = 3;
  const rm = randomArr([C], random);
  const rv = randomArr([C], random, 0.2, 2);
  await checkOp({
    name: 'batchNorm2d eval',
    inputs: [randomArr([2, C, 4, 5], random, -2, 2), randomArr([C], random, 0.5, 1.5), randomArr([C], random)],
    gpu: ([x, w, b]) => ncl.batchNorm2d(x!, w!, b!, { training: false, runningMean: toTensor(rm), runningVar: toTensor(rv) }),
    ref: ([x, w, b]) => refNorm(x!, w!, b!, rm.data, rv.data),
    ...FWD,
  });
});

test('larger forward 4×16×13×17, both modes', async () => {
  const x = randomArr([4, 16, 13, 17], random, -3, 5);
  const w = randomArr([16], random);
  const b = randomArr([16], random);
  const rm = randomArr([16], random);
  const rv = randomArr([16], random, 0.5, 2);
  const train = await ncl.batchNorm2d(toTensor(x), toTensor(w), toTensor(b), { training: true }).data();
  assertClose(train, refTrain([x, w, b]).data, 1e-5, 1e-4, 'training forward');
  const evalY = await ncl.batchNorm2d(toTensor(x), toTensor(w), toTensor(b), { training: false, runningMean: toTensor(rm), runningVar: toTensor(rv) }).data();
  assertClose(evalY, refNorm(x, w, b, rm.data, rv.data).data, 1e-5, 1e-4, 'eval forward');
});

test('running statistics over several steps (momentum 0.1 and 0.3)', async () => {
  for (const momentum of [0.1, 0.3]) {
    const C = 5;
    const runningMean = ncl.zeros([C]);
    const runningVar = ncl.ones([C]);
    const wantMean = new Array<number>(C).fill(0);
    const wantVar = new Array<number>(C).fill(1);
    for (let step = 0; step < 4; step++) {
      const x = randomArr([3, C, 4, 6], random, -1 + step, 2 + 2 * step);
      const y = ncl.batchNorm2d(toTensor(x), ncl.ones([C]), ncl.zeros([C]), { training: true, runningMean, runningVar, momentum });
      y.dispose();
      const m = moments(x);
      const n = 3 * 4 * 6;
      for (let c = 0; c < C; c++) {
        wantMean[c] = (1 - momentum) * wantMean[c]! + momentum * m.mean[c]!;
        wantVar[c] = (1 - momentum) * wantVar[c]! + (momentum * m.variance[c]! * n) / (n - 1);
      }
    }
    assertClose(await runningMean.data(), wantMean, 1e-6, 1e-5, `running mean, momentum ${momentum}`);
    assertClose(await runningVar.data(), wantVar, 1e-6, 1e-5, `running variance, momentum ${momentum}`);
  }
});

test('a channel whose batch statistics are not finite keeps its running statistics', async () => {
  const x = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => Math.sin(i));
  x[1 * 4 + 2] = NaN; // image 0, channel 1
  const runningMean = ncl.tensor([0.5, 0.5, 0.5], [3]);
  const runningVar = ncl.tensor([2, 2, 2], [3]);
  ncl.noGrad(() => ncl.batchNorm2d(ncl.tensor(x, [2, 3, 2, 2]), ncl.ones([3]), ncl.zeros([3]), { training: true, runningMean, runningVar })).dispose();
  const [mean, variance] = [await runningMean.data(), await runningVar.data()];
  assert.equal([mean[1], variance[1]], [0.5, 2]);
  for (const c of [0, 2]) assert.ok(mean[c] !== 0.5 && variance[c] !== 2 && Number.isFinite(mean[c]!) && Number.isFinite(variance[c]!), `channel ${c} updated`);
});

test('eval mode without running statistics is an error', () => {
  assert.throws(() => ncl.batchNorm2d(ncl.zeros([1, 2, 3, 3]), ncl.ones([2]), ncl.zeros([2]), { training: false }), /eval mode needs runningMean/);
  assert.throws(() => ncl.batchNorm2d(ncl.zeros([1, 2, 3, 3]), ncl.ones([3]), ncl.zeros([2]), { training: true }), /weight .* one value per channel \(2\)/);
});

test.run();
