// Layers of the NCL network around the engine's ops: the BatchNorm2d layer (training statistics,
// running-statistic update, eval mode) against a float64 reference, Sequential's fused batch norm +
// ReLU step against the two steps, and seeded dropout.
// Tolerance atol 1e-4 rtol 1e-4.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { relu, tensor } from '../../src/index.ts';
import { BatchNorm2d } from '../../src/nn/batchnorm.ts';
import { Sequential } from '../../src/nn/sequential.ts';
import { Dropout, dropoutStream } from '../../src/nn/dropout.ts';
import { DropoutGenerator } from '../../src/autograd/ops/dropout.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';

const random = rng(7);

test.before(async () => {
  await device();
});

test('BatchNorm2d: batch statistics in training, running statistics updated, then used in eval', async () => {
  const [n, c, h, w] = [2, 3, 5, 4];
  const x = randomArr([n, c, h, w], random, -2, 3);
  const bn = new BatchNorm2d(c);
  bn.weight.assign(Float32Array.from([1, 2, 0.5]));
  bn.bias.assign(Float32Array.from([0, -1, 3]));
  const y = await bn.forward(toTensor(x)).data();
  const count = n * h * w;
  const at = (i: number, ch: number) => {
    const b = Math.floor(i / (h * w));
    return x.data[(b * c + ch) * h * w + (i % (h * w))]!;
  };
  const want = new Float64Array(x.data.length);
  const runMean: number[] = [];
  const runVar: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let m = 0;
    for (let i = 0; i < count; i++) m += at(i, ch) / count;
    let v = 0;
    for (let i = 0; i < count; i++) v += (at(i, ch) - m) ** 2 / count;
    const [g, b] = [[1, 2, 0.5][ch]!, [0, -1, 3][ch]!];
    for (let i = 0; i < count; i++) {
      const bi = Math.floor(i / (h * w));
      want[(bi * c + ch) * h * w + (i % (h * w))] = ((at(i, ch) - m) / Math.sqrt(v + 1e-5)) * g + b;
    }
    runMean.push(0.1 * m);
    runVar.push(0.9 + (0.1 * v * count) / (count - 1));
  }
  assertClose(y, want, 1e-4, 1e-4, 'training output');
  assertClose(await bn.runningMean.data(), runMean, 1e-5, 1e-4, 'running mean');
  assertClose(await bn.runningVar.data(), runVar, 1e-5, 1e-4, 'running variance');
  bn.eval();
  const z = await bn.forward(toTensor(x)).data();
  const wantEval = Array.from(x.data, (v, i) => {
    const ch = Math.floor(i / (h * w)) % c;
    return ((v - runMean[ch]!) / Math.sqrt(runVar[ch]! + 1e-5)) * [1, 2, 0.5][ch]! + [0, -1, 3][ch]!;
  });
  assertClose(z, wantEval, 1e-4, 1e-4, 'eval output');
});

test('Sequential runs BatchNorm2d then relu as one fused step: the same bits, one kernel instead of two; a prefix ending at the batch norm has no ReLU', async () => {
  const rt = await device();
  const x = toTensor(randomArr([2, 3, 5, 4], random, -2, 2));
  const bn = new BatchNorm2d(3);
  bn.eval(); // fixed statistics: both paths see the same running statistics
  bn.runningMean.assign(Float32Array.from([0.1, -0.2, 0.3]));
  const seq = new Sequential([bn, relu]);
  let before = rt.dispatches;
  const fused = seq.forward(x);
  const fusedDispatches = rt.dispatches - before;
  before = rt.dispatches;
  const normed = bn.forward(x);
  const twoSteps = relu(normed);
  const twoStepDispatches = rt.dispatches - before;
  const got = await fused.data();
  assert.equal(Array.from(got), Array.from(await twoSteps.data()));
  assert.ok(got.some((v) => v === 0) && got.some((v) => v > 0), 'the ReLU clips some values and passes others');
  const perKernel = rt.pool.poison ? 2 : 1; // with poisoning, each output is first filled with NaN
  assert.is(fusedDispatches, perKernel, 'one kernel');
  assert.is(twoStepDispatches, 2 * perKernel, 'two kernels');
  const prefix = seq.forwardPrefix(x, 1);
  assert.equal(Array.from(await prefix.data()), Array.from(await normed.data()));
  for (const t of [fused, normed, twoSteps, prefix, x]) t.dispose();
});

test('Dropout layer: masks from the shared stream, the same seed → the same mask; identity in eval', async () => {
  const stream = dropoutStream(5);
  const drop = new Dropout(0.25, stream);
  const x = tensor(new Float32Array(4000).fill(1), [4000]);
  const a = await drop.forward(x).data();
  const zeros = a.filter((v) => v === 0).length;
  assert.ok(zeros > 850 && zeros < 1150, `${zeros} of 4000 dropped at p = 0.25`);
  stream.generator = new DropoutGenerator(5);
  assert.equal(Array.from(await drop.forward(x).data()), Array.from(a));
  drop.eval();
  assert.is(drop.forward(x), x);
});

test.run();
