// The layers the NCL network is built from, against float64 CPU references: batch norm (training
// statistics, running-statistic update, eval mode), bilinear resize with aligned corners, 3×3/2
// max pooling with padding, and seeded dropout. Tolerance atol 1e-4 rtol 1e-4.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, sum, mul, tensor } from '../src/index.ts';
import { Rng } from '../src/data/rng.ts';
import { BatchNorm2d } from '../src/nn/batchnorm.ts';
import { Dropout } from '../src/nn/dropout.ts';
import { maxPool2d } from '../src/nn/pooling.ts';
import { interpolationMatrix, resizeBilinear } from '../src/nn/resize.ts';
import { assertClose, device, randomArr, rng, toTensor } from './helpers/setup.ts';

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

test('resizeBilinear with aligned corners: up and down, against direct interpolation', async () => {
  for (const [h, w, H, W] of [[3, 5, 7, 9], [8, 6, 3, 4]] as const) {
    const x = randomArr([2, 2, h, w], random);
    const y = await resizeBilinear(toTensor(x), H, W).data();
    const want: number[] = [];
    for (let m = 0; m < 4; m++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          const sy = (i * (h - 1)) / (H - 1);
          const sx = (j * (w - 1)) / (W - 1);
          const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
          const [y1, x1] = [Math.min(y0 + 1, h - 1), Math.min(x0 + 1, w - 1)];
          const v = (yy: number, xx: number) => x.data[m * h * w + yy * w + xx]!;
          const [ty, tx] = [sy - y0, sx - x0];
          want.push((1 - ty) * ((1 - tx) * v(y0, x0) + tx * v(y0, x1)) + ty * ((1 - tx) * v(y1, x0) + tx * v(y1, x1)));
        }
    assertClose(y, want, 1e-5, 1e-4, `resize ${h}×${w} → ${H}×${W}`);
  }
  assert.equal(Array.from(interpolationMatrix(2, 3)), [1, 0, 0.5, 0.5, 0, 1]);
});

test('maxPool2d 3×3 stride 2 padding 1 on odd and even sizes, and its gradient', async () => {
  for (const [h, w] of [[7, 6], [5, 5]] as const) {
    const x = randomArr([1, 2, h, w], random);
    const xt = toTensor(x, true);
    const y = maxPool2d(xt, { kernel: 3, stride: 2, padding: 1 });
    const [ho, wo] = [Math.floor((h - 1) / 2) + 1, Math.floor((w - 1) / 2) + 1];
    assert.equal(y.shape, [1, 2, ho, wo]);
    const want: number[] = [];
    const grad = new Float64Array(x.data.length);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < ho; i++)
        for (let j = 0; j < wo; j++) {
          let best = -Infinity;
          let at = -1;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const [yy, xx] = [2 * i + dy, 2 * j + dx];
              if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
              const k = c * h * w + yy * w + xx;
              if (x.data[k]! > best) [best, at] = [x.data[k]!, k];
            }
          want.push(best);
          grad[at]! += 1;
        }
    assertClose(await y.data(), want, 0, 0, `max pool ${h}×${w}`);
    backward(sum(y));
    assertClose(await xt.grad!.data(), grad, 0, 0, `max pool gradient ${h}×${w}`);
  }
});

test('Dropout: zeroes about p of the values, scales the rest by 1/(1−p), same stream → same mask; identity in eval', async () => {
  const stream = { rng: Rng.fromSeed(5) };
  const drop = new Dropout(0.25, stream);
  const x = tensor(new Float32Array(4000).fill(1), [4000]);
  const a = await drop.forward(x).data();
  const zeros = a.filter((v) => v === 0).length;
  assert.ok(zeros > 850 && zeros < 1150, `${zeros} of 4000 dropped at p = 0.25`);
  assert.ok(a.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
  stream.rng = Rng.fromSeed(5);
  assert.equal(Array.from(await drop.forward(x).data()), Array.from(a));
  drop.eval();
  assert.equal(Array.from(await mul(drop.forward(x), 1).data()), Array.from(await x.data()));
});

test.run();
