// CPU adapters (llvmpipe) end every shader loop after 65 535 iterations per invocation, silently.
// Kernels whose loops grow with the input split the work; these reductions run over more terms
// than one invocation may loop over and are checked against float64 (atol 1e-3 on sums of
// ~70 000 terms, rtol 1e-4). (The matmul and softmax cases are in their own test files.)
// browser: yes
import { test } from 'uvu';
import * as ncl from '../../src/index.ts';
import { BATCHNORM_SUMS } from '../../src/kernels/batchnorm.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';

const random = rng(9);

test.before(async () => {
  await device();
});

// The CPU default (workgroups of 8: 8712 values per invocation), and workgroups of one invocation,
// whose one piece per channel the loop budget cuts in two.
for (const variant of [null, { wg: 1, per: null }]) {
  test(`batch statistics over 264×264 = 69 696 pixels per channel, channel sums ${variant ? JSON.stringify(variant) : 'default'}`, async () => {
    const x = randomArr([1, 2, 264, 264], random, 0, 2);
    const run = () => ncl.batchNorm2d(toTensor(x), ncl.ones([2]), ncl.zeros([2]), { training: true }).data();
    const y = variant ? await BATCHNORM_SUMS.with(variant, run) : await run();
    // A normalised channel has mean 0 and (biased) variance 1 up to ε.
    const hw = 264 * 264;
    for (let c = 0; c < 2; c++) {
      let m = 0;
      let s = 0;
      for (let i = 0; i < hw; i++) m += y[c * hw + i]!;
      m /= hw;
      for (let i = 0; i < hw; i++) s += (y[c * hw + i]! - m) ** 2;
      assertClose([m, s / hw], [0, 1], 1e-4, 1e-3, `channel ${c} after batch norm`);
    }
  });
}

test('conv2d weight gradient summed over 262² = 68 644 output pixels', async () => {
  const H = 264;
  const x = randomArr([1, 1, H, H], random);
  const xt = toTensor(x);
  const w = ncl.zeros([1, 1, 3, 3], { requiresGrad: true });
  ncl.tidy(() => ncl.backward(ncl.sum(ncl.conv2d(xt, w))));
  // d Σ y / d w[i, j] = Σ over output pixels of x[oy + i, ox + j].
  const want = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let oy = 0; oy < H - 2; oy++) for (let ox = 0; ox < H - 2; ox++) s += x.data[(oy + i) * H + ox + j]!;
      want[i * 3 + j] = s;
    }
  }
  assertClose(await w.grad!.data(), want, 1e-3, 1e-4, 'weight gradient');
});

test.run();
