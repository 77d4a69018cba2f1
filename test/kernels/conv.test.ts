// conv2d forward against a float64 direct convolution and gradients (input, weight, bias) against
// central finite differences of it. Shapes exercise every path: odd sizes (13×17), stride 2 on
// odd inputs (one dispatch per stride residue in the input gradient), dilation 6/12/18 on maps
// smaller than the padding, channel counts that do not divide the 8-row tile, groups and
// depthwise, 1×1 as matmul, batch > 1; larger shapes check forward and both gradients against
// float64 analytic gradients, including a weight gradient split into several chunks, and under
// each profile's tile shapes and every candidate tiling of the tuner, the workgroup-memory ones
// included (on every adapter, though the tuner offers them to GPUs only).
// Tolerance: forward atol 1e-4 rtol 1e-4; finite-difference gradients atol 1e-4 rtol 1e-3;
// analytic gradients of the larger shapes atol 2e-4 rtol 1e-3 (sums of up to ~10⁴ f32 products).
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { CONV_TILINGS } from '../../src/kernels/conv.ts';
import { convGeometry, type Conv2dOptions } from '../../src/kernels/conv-geometry.ts';
import { CONV_CANDIDATES, WGRAD_SHARED_CANDIDATES, WGRAD_SPLIT_CANDIDATES, type ConvTiling } from '../../src/kernels/conv-tilings.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { arr } from '../../src/check/reference.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { eachTap, refConv } from '../../src/check/conv-reference.ts';

const random = rng(31);

test.before(async () => {
  await device();
});

interface Case {
  name: string;
  x: number[];
  w: number[];
  bias?: boolean;
  o: Conv2dOptions;
}

const gradCases: Case[] = [
  { name: 'odd 13×17, 3→5, 3×3 s1 p1, batch 2, bias', x: [2, 3, 13, 17], w: [5, 3, 3, 3], bias: true, o: { padding: 1 } },
  { name: 'stride 2 on odd 9×11, 2→10, p1', x: [2, 2, 9, 11], w: [10, 2, 3, 3], o: { stride: 2, padding: 1 } },
  { name: 'stride 2, 4×4 kernel, no padding, 7×9', x: [1, 3, 7, 9], w: [9, 3, 4, 4], o: { stride: 2 } },
  { name: 'stride 3 with dilation 2, p2', x: [1, 2, 10, 11], w: [3, 2, 3, 3], o: { stride: 3, padding: 2, dilation: 2 } },
  { name: 'stride 2 with dilation 2 (shared factor), p2', x: [1, 2, 9, 8], w: [3, 2, 3, 3], o: { stride: 2, padding: 2, dilation: 2 } },
  { name: 'dilation 6 p6 on 7×9 (padding dominates)', x: [2, 3, 7, 9], w: [4, 3, 3, 3], o: { padding: 6, dilation: 6 } },
  { name: 'dilation 12 p12 on 5×6', x: [1, 4, 5, 6], w: [3, 4, 3, 3], o: { padding: 12, dilation: 12 } },
  { name: 'dilation 18 p18 on 4×5, batch 2', x: [2, 2, 4, 5], w: [9, 2, 3, 3], o: { padding: 18, dilation: 18 } },
  { name: 'rectangular 1×3 kernel, stride (2,1), padding (0,1)', x: [1, 3, 6, 7], w: [5, 3, 1, 3], o: { stride: [2, 1], padding: [0, 1] } },
  { name: 'groups 2, 4→6', x: [2, 4, 6, 7], w: [6, 2, 3, 3], bias: true, o: { padding: 1, groups: 2 } },
  { name: 'depthwise 3 channels, stride 2', x: [1, 3, 7, 8], w: [3, 1, 3, 3], o: { stride: 2, padding: 1, groups: 3 } },
  { name: '1×1 as matmul, 5→11, bias', x: [2, 5, 5, 7], w: [11, 5, 1, 1], bias: true, o: {} },
  { name: '1×1 stride 2 (not a matmul)', x: [1, 4, 7, 5], w: [3, 4, 1, 1], o: { stride: 2 } },
];

for (const c of gradCases) {
  test(`conv2d ${c.name}`, async () => {
    const inputs = [randomArr(c.x, random), randomArr(c.w, random)];
    if (c.bias) inputs.push(randomArr([c.w[0]!], random));
    await checkOp({
      name: c.name,
      inputs,
      gpu: ([x, w, b]) => ncl.conv2d(x!, w!, b ?? null, c.o),
      ref: ([x, w, b]) => refConv(x!, w!, b ?? null, c.o),
      fwdAtol: 1e-4,
      fwdRtol: 1e-4,
    });
  });
}

/** Forward, dx and dw of a larger convolution against float64 (loss Σ R ⊙ y, so dy = R). */
async function checkLarge(c: Case): Promise<void> {
  const g = convGeometry(c.x, c.w, c.o);
  const x = randomArr(c.x, random);
  const w = randomArr(c.w, random);
  const R = randomArr([g.N, g.Cout, g.Ho, g.Wo], random);
  const dx = arr(c.x);
  const dw = arr(c.w);
  eachTap(g, (yi, wi, xi) => {
    dx.data[xi]! += R.data[yi]! * w.data[wi]!;
    dw.data[wi]! += R.data[yi]! * x.data[xi]!;
  });
  const tx = toTensor(x, true);
  const tw = toTensor(w, true);
  const y = ncl.tidy(() => {
    const out = ncl.conv2d(tx, tw, null, c.o);
    ncl.backward(ncl.sum(ncl.mul(out, toTensor(R))));
    return out;
  });
  assertClose(await y.data(), refConv(x, w, null, c.o).data, 1e-4, 1e-4, `${c.name} forward`);
  assertClose(await tx.grad!.data(), dx.data, 2e-4, 1e-3, `${c.name} input gradient`);
  assertClose(await tw.grad!.data(), dw.data, 2e-4, 1e-3, `${c.name} weight gradient`);
  for (const t of [y, tx, tw]) {
    t.zeroGrad();
    t.dispose();
  }
}

const largeCases: Case[] = [
  { name: '2×20×31×29 → 33, 3×3 s2 p1', x: [2, 20, 31, 29], w: [33, 20, 3, 3], o: { stride: 2, padding: 1 } },
  { name: '2×9×24×24 → 17, 3×3 s1 p1 (weight gradient in chunks)', x: [2, 9, 24, 24], w: [17, 9, 3, 3], o: { padding: 1 } },
  { name: '1×16×12×12 → 24, dilation 12 p12', x: [1, 16, 12, 12], w: [24, 16, 3, 3], o: { padding: 12, dilation: 12 } },
  { name: '3×40×9×11 → 19, 1×1', x: [3, 40, 9, 11], w: [19, 40, 1, 1], o: {} },
];
for (const c of largeCases) test(`conv2d larger: ${c.name}`, () => checkLarge(c));

// Every profile's tilings, a tall narrow one, and every tiling the tuner may choose (for both
// kernels at once), on shapes that leave partial tiles both ways.
const tilings = {
  ...CONV_TILINGS.defaults,
  narrow: { fwd: { tm: 4, tn4: 2, wgx: 4, wgy: 16 }, wgrad: { tm: 4, tn4: 1, wgx: 16, wgy: 4 } },
  ...Object.fromEntries(CONV_CANDIDATES.map((t) => [`candidate ${t.tm}×${4 * t.tn4}/${t.wgx}×${t.wgy}`, { fwd: t, wgrad: t }])),
};
for (const [name, t] of Object.entries(tilings)) {
  test(`conv2d with the ${name} tilings`, async () => {
    CONV_TILINGS.force(t);
    try {
      await checkLarge({ name: `${name}: 2×13×17×15 → 21, 3×3 s2 p1`, x: [2, 13, 17, 15], w: [21, 13, 3, 3], o: { stride: 2, padding: 1 } });
      await checkLarge({ name: `${name}: 1×6×9×7 → 5, dilation 2 p2`, x: [1, 6, 9, 7], w: [5, 6, 3, 3], o: { padding: 2, dilation: 2 } });
      // Two workgroup tiles and a remainder each way for every tiling: 270 output channels, 286
      // output pixels (forward), 180 = 20·3·3 weight columns (weight gradient).
      await checkLarge({ name: `${name}: 2×20×13×11 → 270, 3×3 p1`, x: [2, 20, 13, 11], w: [270, 20, 3, 3], o: { padding: 1 } });
    } finally {
      CONV_TILINGS.force(null);
    }
  });
}

// The weight-gradient candidates that split the reduction further: 1150 output pixels in 4 chunks,
// the last shorter (chunks are at least 256 pixels on shapes this small).
for (const t of WGRAD_SPLIT_CANDIDATES) {
  test(`conv2d weight gradient aiming at ${t.invocations} invocations (${t.tm}×${4 * t.tn4}/${t.wgx}×${t.wgy})`, async () => {
    CONV_TILINGS.force({ fwd: CONV_TILINGS.defaults.cpu.fwd, wgrad: t });
    try {
      await checkLarge({ name: 'split: 2×9×25×23 → 17, 3×3 p1', x: [2, 9, 25, 23], w: [17, 9, 3, 3], o: { padding: 1 } });
      await checkLarge({ name: 'split: 2×20×13×11 → 270, 3×3 p1', x: [2, 20, 13, 11], w: [270, 20, 3, 3], o: { padding: 1 } });
    } finally {
      CONV_TILINGS.force(null);
    }
  });
}

// The workgroup-memory tilings for every pass (forward and input gradient share a kernel; the
// weight gradient's list holds every forward tiling, with a target for its split of the reduction):
// blocks of 64×64 and 128×128 with a remainder each way (a 1×3 kernel, 90 → 270 channels: 270
// rows; 272 output pixels per image in the forward pass and 270 weight columns in the weight
// gradient; reductions over 270 and 810 taps × channels and 544 pixels, none a multiple of the
// 16-deep slices, and short enough for llvmpipe's loop budget), stride 2 on odd sizes, dilation,
// groups, depthwise, a 3-channel stem (3 rows in the input gradient), and a strided 1×1
// convolution (one tap).
const sharedName = (t: ConvTiling) => `${t.tm}×${4 * t.tn4}/${t.wgx}×${t.wgy}${t.doubleBuffer ? ' double-buffered' : ''}, ${t.invocations} invocations`;
for (const t of WGRAD_SHARED_CANDIDATES) {
  test(`conv2d with the workgroup-memory tiling ${sharedName(t)}`, async () => {
    CONV_TILINGS.force({ fwd: t, wgrad: t });
    try {
      await checkLarge({ name: 'shared: 2×90×17×16 → 270, 1×3 p(0,1)', x: [2, 90, 17, 16], w: [270, 90, 1, 3], o: { padding: [0, 1] } });
      await checkLarge({ name: 'shared: 2×13×17×15 → 21, 3×3 s2 p1', x: [2, 13, 17, 15], w: [21, 13, 3, 3], o: { stride: 2, padding: 1 } });
      await checkLarge({ name: 'shared: 1×16×12×12 → 24, dilation 12 p12', x: [1, 16, 12, 12], w: [24, 16, 3, 3], o: { padding: 12, dilation: 12 } });
      await checkLarge({ name: 'shared: 1×6×9×7 → 5, stride 3 dilation 2 p2', x: [1, 6, 9, 7], w: [5, 6, 3, 3], o: { stride: 3, padding: 2, dilation: 2 } });
      await checkLarge({ name: 'shared: groups 2, 2×8×9×11 → 10', x: [2, 8, 9, 11], w: [10, 4, 3, 3], o: { padding: 1, groups: 2 } });
      await checkLarge({ name: 'shared: depthwise 6 channels, stride 2', x: [1, 6, 11, 9], w: [6, 1, 3, 3], o: { stride: 2, padding: 1, groups: 6 } });
      await checkLarge({ name: 'shared: stem 2×3×33×31 → 32, 3×3 s2 p1', x: [2, 3, 33, 31], w: [32, 3, 3, 3], o: { stride: 2, padding: 1 } });
      await checkLarge({ name: 'shared: 1×1 stride 2, 2×20×13×11 → 9', x: [2, 20, 13, 11], w: [9, 20, 1, 1], o: { stride: 2 } });
    } finally {
      CONV_TILINGS.force(null);
    }
  });
}

test('conv2d refuses a workgroup-memory tiling whose columns do not divide its invocations', () => {
  CONV_TILINGS.force({ fwd: { shared: true, tm: 4, tn4: 2, wgx: 16, wgy: 4 }, wgrad: CONV_TILINGS.defaults.cpu.wgrad });
  try {
    assert.throws(() => ncl.conv2d(ncl.zeros([1, 3, 5, 5]), ncl.zeros([4, 3, 3, 3])), /workgroup-memory tiling .* needs .*4·tn4 ≤ wgy/);
  } finally {
    CONV_TILINGS.force(null);
  }
});

// Under each profile's tilings; 1150 output pixels, so the weight gradient sums several chunks.
for (const [profile, tilings] of Object.entries(CONV_TILINGS.defaults)) {
  test(`conv2d is deterministic with the ${profile} tilings: same inputs, same bits`, async () => {
    const x = toTensor(randomArr([2, 6, 25, 23], random), true);
    const w = toTensor(randomArr([7, 6, 3, 3], random), true);
    const run = async () => {
      const y = ncl.tidy(() => {
        const out = ncl.conv2d(x, w, null, { padding: 1 });
        ncl.backward(ncl.sum(ncl.mul(out, out)));
        return out;
      });
      const got = [await y.data(), await x.grad!.data(), await w.grad!.data()];
      y.dispose();
      x.zeroGrad();
      w.zeroGrad();
      return got;
    };
    await CONV_TILINGS.with(tilings, async () => assert.equal(await run(), await run()));
    x.dispose();
    w.dispose();
  });
}

test('conv2d shape errors name the shapes', () => {
  assert.throws(() => ncl.conv2d(ncl.zeros([1, 3, 5, 5]), ncl.zeros([4, 2, 3, 3])), /weight has 2 input channels, expected 3/);
  assert.throws(() => ncl.conv2d(ncl.zeros([1, 3, 2, 2]), ncl.zeros([4, 3, 3, 3])), /larger than the padded input/);
  assert.throws(() => ncl.conv2d(ncl.zeros([1, 4, 5, 5]), ncl.zeros([6, 2, 3, 3]), null, { groups: 3 }), /3 groups do not divide 4/);
});

test.run();
