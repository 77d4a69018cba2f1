// matmul forward against float64 and gradients against finite differences, for every candidate
// the tuner may choose (vec4 and scalar register tiling for CPU adapters, workgroup-memory tiling for GPUs,
// 128×128 workgroup tiles, double-buffered tiles, split-K), odd sizes that do not divide the
// tiles, sizes that allow vec4 reads, transposed operands, batches and a shared 2-D operand;
// several output tiles with remainders and split-K slices with a shorter last slice.
// Tolerance: forward atol 1e-5 rtol 1e-4 (K ≤ 70 f32 products), 1e-4 for K ≤ 260 and 1e-3 for
// K = 5000 and 1e-2 for K = 300 000 (sums of that many f32 products of values in [−1, 1));
// gradients atol 1e-4 rtol 1e-3.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { MATMUL_CANDIDATES, MATMUL_TILINGS, type MatmulTiling } from '../../src/kernels/matmul.ts';
import { matmulTilingName } from '../../src/kernels/variant-names.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { matmul as refMatmul } from '../../src/check/reference.ts';
import { assertClose, device, randomArr, rng, toTensor } from '../helpers/setup.ts';
import { runtime } from '../../src/runtime/context.ts';

const random = rng(4);

test.before(async () => {
  await device();
});
test.after(() => MATMUL_TILINGS.force(null));

const cases: Array<[string, number[], number[], boolean, boolean]> = [
  ['13×17 · 17×19', [13, 17], [17, 19], false, false],
  ['1×5 · 5×1', [1, 5], [5, 1], false, false],
  ['Aᵀ: (17×13)ᵀ · 17×9', [17, 13], [17, 9], true, false],
  ['Bᵀ: 13×17 · (9×17)ᵀ', [13, 17], [9, 17], false, true],
  ['both transposed', [17, 13], [9, 17], true, true],
  ['batched 3×13×17 · 3×17×6', [3, 13, 17], [3, 17, 6], false, false],
  ['shared 2-D right operand 2×13×17 · 17×35', [2, 13, 17], [17, 35], false, false],
  ['shared 2-D left operand 33×7 · 2×7×70', [33, 7], [2, 7, 70], false, false],
  ['multiples of 4: 12×16 · 16×20', [12, 16], [16, 20], false, false],
  ['multiples of 4, both transposed: (16×12)ᵀ · (20×16)ᵀ', [16, 12], [20, 16], true, true],
  ['multiples of 4, batched with shared right operand: 2×9×8 · 8×12', [2, 9, 8], [8, 12], false, false],
];

// Every candidate the tuner may choose (each profile's default among them), and a split-K that
// does not divide the slices evenly.
const tilings: Record<string, MatmulTiling> = {
  ...Object.fromEntries(MATMUL_CANDIDATES.map((t) => [matmulTilingName(t), t])),
  'register:8x8/8x8,split-K 3': { variant: 'register', tm: 8, tn4: 2, wgx: 8, wgy: 8, splitK: 3 },
};

for (const [variant, tiling] of Object.entries(tilings)) {
  for (const [name, sa, sb, ta, tb] of cases) {
    test(`${variant} kernel: ${name}`, async () => {
      MATMUL_TILINGS.force(tiling);
      await checkOp({
        name,
        inputs: [randomArr(sa, random), randomArr(sb, random)],
        gpu: ([a, b]) => ncl.matmul(a!, b!, { transA: ta, transB: tb }),
        ref: ([a, b]) => refMatmul(a!, b!, ta, tb),
        fwdAtol: 1e-5,
        fwdRtol: 1e-4,
      });
    });
  }
  test(`${variant} kernel: 130×260 · 260×150 forward (two 64-wide tiles and a remainder each way)`, async () => {
    MATMUL_TILINGS.force(tiling);
    const a = randomArr([130, 260], random);
    const b = randomArr([260, 150], random);
    const got = await ncl.matmul(toTensor(a), toTensor(b)).data();
    assertClose(got, refMatmul(a, b).data, 1e-4, 1e-4, 'matmul 130×260·260×150');
  });
}

for (const [variant, tiling] of Object.entries(tilings)) {
  test(`${variant} kernel: 260×70 · 70×290 (three 128-wide tiles each way, the last short) and a skinny 2×6×5000 · 5000×8`, async () => {
    MATMUL_TILINGS.force(tiling);
    const a = randomArr([260, 70], random);
    const b = randomArr([70, 290], random);
    assertClose(await ncl.matmul(toTensor(a), toTensor(b)).data(), refMatmul(a, b).data, 1e-4, 1e-4, 'matmul 260×70·70×290');
    // K = 5000 in slices of 5000/splitK rounded up to 16: the last slice is shorter.
    const c = randomArr([2, 6, 5000], random);
    const d = randomArr([5000, 8], random);
    assertClose(await ncl.matmul(toTensor(c), toTensor(d)).data(), refMatmul(c, d).data, 1e-3, 1e-4, 'matmul 2×6×5000·5000×8');
  });
}

for (const [variant, tiling] of Object.entries(tilings)) {
  test(`${variant} kernel: a long inner dimension (K = 300 000; 30 000 on adapters without a loop cap) sums every term`, async () => {
    // CPU adapters stop shader loops after 65 535 iterations; the kernel is dispatched in chunks.
    // Where loops have no cap there are no chunks to check, and a shorter sum keeps the test quick.
    MATMUL_TILINGS.force(tiling);
    const k = runtime().adapter.loopIterationCap === null ? 30000 : 300000;
    const a = randomArr([4, k], random);
    const b = randomArr([k, 4], random);
    const got = await ncl.matmul(toTensor(a), toTensor(b)).data();
    // A sum of 300 000 f32 products drifts by about 6e-8·K/√54 ≈ 2.5e-3 (one σ: rounding of
    // partial sums that random-walk to √(k/9)); a missing chunk of 60 000 terms, by about 80.
    assertClose(got, refMatmul(a, b).data, 1e-2, 1e-4, `K = ${k}`);
  });
}

test('inner dimension mismatch names both shapes', () => {
  MATMUL_TILINGS.force(null);
  assert.throws(() => ncl.matmul(ncl.zeros([2, 3]), ncl.zeros([4, 5])), /\[2,3\] · \[4,5\] \(3 vs 4\)/);
});

test.run();
