// Supervised contrastive loss (docs/method.md §5–§6), fused kernel and unfused composition.
//   1. The float64 analytic gradient of §6 against central finite differences of the float64 loss
//      (h 1e-6; atol 1e-6, rtol 1e-5) at small N, including ignore labels and singleton classes.
//   2. Fused and unfused on the device against the float64 loss (atol 1e-5, rtol 1e-4) and the
//      analytic gradient (atol 1e-4 · max(max|dL/dz|, 1/(τM)), rtol 1e-3), N ∈ {2, 3, 17, 64, 300},
//      D ∈ {3, 4, 32, 128}; then the special cases: one class, a class of one member, ignore
//      labels, no kept anchor (loss 0, gradient 0), τ = 0.05 with near-duplicate rows.
//   3. Fused against unfused on the device (same tolerances), every tiling the tuner may choose
//      (the CPU and GPU profiles' among them); each flash-style tiling also against the float64
//      reference with anchor weights, ignored rows and a class of one, at N = 17 and 1031 (no
//      multiple of any tile; one or several column splits of one or several tiles), D = 5 and 128.
//   4. Determinism: two fused runs give bit-identical loss and gradient (this adapter's tiling and
//      the gpu profile's).
//   5. Anchor weights a_i (per-kind balancing, docs/method.md §3): the reference gradient against
//      finite differences, fused and unfused against the reference with weights that differ inside
//      a class and a kept anchor of weight 0, same tolerances as 2.
//   6. Large N, where one invocation would pass the 65535-iteration loop budget of llvmpipe
//      (N = 8192, D = 128; also with the gpu profile's tiling) and a class has more members than one
//      class-sum invocation takes (N = 21000); smaller N on adapters without a loop cap, where
//      nothing is cut for the budget: rows are copies of a few typed rows, against the
//      reference summed over types (loss atol 1e-5 rtol 1e-4; gradient atol 1e-4 · max(max|dL/dz|, 1/(τM)), rtol 1e-3).
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { CONTRASTIVE_CANDIDATES, CONTRASTIVE_TILINGS, tilingName } from '../../src/kernels/contrastive.ts';
import { contrastiveGradRef, contrastiveLossRef, typedRowsRef } from '../../src/check/contrastive-reference.ts';
import { runtime } from '../../src/runtime/context.ts';
import { assertClose, device, rng } from '../helpers/setup.ts';

const random = rng(2024);

test.before(async () => {
  await device();
});
test.after(() => CONTRASTIVE_TILINGS.force(null));

/** n unit rows of dimension d (f32-rounded); `spread` < 1 makes them near-duplicates of one row. */
function unitRows(n: number, d: number, spread = 1): Float64Array {
  const base = Array.from({ length: d }, () => random() * 2 - 1);
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const v = spread < 1 ? base[k]! + spread * (random() * 2 - 1) : random() * 2 - 1;
      z[i * d + k] = v;
      norm += v * v;
    }
    for (let k = 0; k < d; k++) z[i * d + k] = Math.fround(z[i * d + k]! / Math.sqrt(norm));
  }
  return z;
}

/** Two classes, every seventh row ignored (from row 3), at least one pair of class 0. */
function mixedLabels(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -1 : n <= 3 ? (i === 1 ? 1 : 0) : i % 2));
}

async function runLoss(z: Float64Array, labels: number[], d: number, tau: number, fused: boolean, anchorWeights?: number[]): Promise<{ loss: number; grad: Float32Array }> {
  const zt = ncl.tensor(Float32Array.from(z), [labels.length, d], { requiresGrad: true });
  const loss = ncl.tidy(() => {
    const l = ncl.keep(ncl.contrastiveLoss(zt, labels, { tau, fused, ...(anchorWeights ? { anchorWeights } : {}) }));
    ncl.backward(l);
    return l;
  });
  const out = { loss: await loss.item(), grad: await zt.grad!.data() };
  loss.dispose();
  zt.zeroGrad();
  zt.dispose();
  return out;
}

/** atol for dL/dz: 1e-4 of the larger of max|dL/dz| and 1/(τM), the size of the two terms of §6
 *  that cancel when rows are near-duplicates (f32 rounding is relative to them, not to their sum). */
function gradTolerance(want: ArrayLike<number>, labels: readonly number[], tau: number): number {
  const size = new Map<number, number>();
  for (const y of labels) size.set(y, (size.get(y) ?? 0) + 1);
  const kept = labels.filter((y) => y !== -1 && size.get(y)! >= 2).length;
  let max = kept ? 1 / (tau * kept) : 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i]!));
  return 1e-4 * max;
}

async function checkAgainstReference(what: string, z: Float64Array, labels: number[], d: number, tau: number, fused: boolean, anchorWeights?: number[]): Promise<void> {
  const { loss, grad } = await runLoss(z, labels, d, tau, fused, anchorWeights);
  const wantGrad = contrastiveGradRef(z, labels, d, tau, anchorWeights);
  assertClose([loss], [contrastiveLossRef(z, labels, d, tau, anchorWeights)], 1e-5, 1e-4, `${what} loss`);
  assertClose(grad, wantGrad, gradTolerance(wantGrad, labels, tau), 1e-3, `${what} gradient`);
}

/** Anchor weights that differ inside each class: 1, 2 or 0.5 by row, and row 0 weighs 0. */
function unevenWeights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? 0 : [1, 2, 0.5][i % 3]!));
}

test('the analytic gradient of §6 matches finite differences of the loss', () => {
  const cases: Array<[number, number, number[], number[] | undefined]> = [
    [2, 3, [0, 0], undefined],
    [3, 4, [0, 1, 0], undefined],
    [9, 3, [0, 1, -1, 1, 0, 2, 0, -1, 1], undefined],
    [17, 5, mixedLabels(17), undefined],
    [17, 5, mixedLabels(17), unevenWeights(17)],
    [9, 3, [0, 1, -1, 1, 0, 2, 0, -1, 1], [3, 0.5, 1, 1, 2, 7, 0.25, 1, 4]],
  ];
  for (const [n, d, labels, weights] of cases) {
    const z = unitRows(n, d);
    const h = 1e-6;
    const fd = new Float64Array(n * d);
    for (let e = 0; e < n * d; e++) {
      const saved = z[e]!;
      z[e] = saved + h;
      const up = contrastiveLossRef(z, labels, d, 0.1, weights);
      z[e] = saved - h;
      const down = contrastiveLossRef(z, labels, d, 0.1, weights);
      z[e] = saved;
      fd[e] = (up - down) / (2 * h);
    }
    assertClose(contrastiveGradRef(z, labels, d, 0.1, weights), fd, 1e-6, 1e-5, `reference gradient N=${n} D=${d}${weights ? ' weighted' : ''}`);
  }
});

for (const fused of [true, false]) {
  const impl = fused ? 'fused' : 'unfused';
  for (const n of [2, 3, 17, 64, 300]) {
    test(`${impl}: N=${n}, D ∈ {3, 4, 32, 128} against the float64 reference`, async () => {
      for (const d of [3, 4, 32, 128]) {
        await checkAgainstReference(`${impl} N=${n} D=${d}`, unitRows(n, d), mixedLabels(n), d, 0.1, fused);
      }
    });
  }

  test(`${impl}: one class, a class of one member, arbitrary class ids, τ = 0.05 near-duplicates`, async () => {
    await checkAgainstReference(`${impl} all one class`, unitRows(40, 16), new Array<number>(40).fill(3), 16, 0.1, fused);
    const singleton = Array.from({ length: 33 }, (_, i) => (i === 5 ? 2 : i % 2));
    await checkAgainstReference(`${impl} class of one member`, unitRows(33, 8), singleton, 8, 0.1, fused);
    const ids = Array.from({ length: 30 }, (_, i) => [7, 100, 7, 42, -1][i % 5]!);
    await checkAgainstReference(`${impl} ids 7, 42, 100 and ignored rows`, unitRows(30, 12), ids, 12, 0.1, fused);
    await checkAgainstReference(`${impl} τ=0.05 near-duplicates`, unitRows(200, 128, 1e-3), mixedLabels(200), 128, 0.05, fused);
  });

  test(`${impl}: anchor weights that differ inside a class, N ∈ {17, 300}, D ∈ {3, 32}`, async () => {
    for (const n of [17, 300]) {
      for (const d of [3, 32]) await checkAgainstReference(`${impl} weighted N=${n} D=${d}`, unitRows(n, d), mixedLabels(n), d, 0.1, fused, unevenWeights(n));
    }
    assert.throws(() => ncl.contrastiveLoss(ncl.zeros([3, 4]), [0, 1, 0], { anchorWeights: [1, -1, 1] }), /row 1 has weight -1/);
  });

  test(`${impl}: no kept anchor gives loss 0 and gradient 0`, async () => {
    for (const labels of [[0, 1, 2, 3, 4], [-1, -1, -1], [0, -1, 1, -1, 5]]) {
      const { loss, grad } = await runLoss(unitRows(labels.length, 6), labels, 6, 0.1, fused);
      assert.is(loss, 0);
      assert.ok(grad.every((g) => g === 0), `gradient not zero for labels ${labels}`);
    }
  });
}

const profileOf = (t: object) => Object.entries(CONTRASTIVE_TILINGS.defaults).find(([, d]) => d === t)?.[0];
/** Per N, the rows, labels and unfused result that every tiling is compared with (made once). */
const unfusedCases = new Map<number, Promise<{ z: Float64Array; labels: number[]; u: { loss: number; grad: Float32Array } }>>();
function unfusedCase(n: number) {
  if (!unfusedCases.has(n)) {
    const z = unitRows(n, 128);
    const labels = mixedLabels(n);
    unfusedCases.set(n, runLoss(z, labels, 128, 0.1, false).then((u) => ({ z, labels, u })));
  }
  return unfusedCases.get(n)!;
}
for (const tiling of CONTRASTIVE_CANDIDATES) {
  const name = `${tilingName(tiling)}${profileOf(tiling) ? `, the ${profileOf(tiling)} profile's` : ''}`;
  test(`fused (${name} tiling) matches unfused on the device, N=300 and N=1031, D=128`, async () => {
    for (const n of [300, 1031]) {
      const { z, labels, u } = await unfusedCase(n);
      CONTRASTIVE_TILINGS.force(tiling);
      const f = await runLoss(z, labels, 128, 0.1, true);
      assertClose([f.loss], [u.loss], 1e-5, 1e-4, `N=${n} loss`);
      assertClose(f.grad, u.grad, gradTolerance(u.grad, labels, 0.1), 1e-3, `N=${n} gradient`);
    }
    CONTRASTIVE_TILINGS.force(null);
  });
}

for (const tiling of CONTRASTIVE_CANDIDATES.filter((t) => 'flash' in t)) {
  test(`fused (${tilingName(tiling)}) against the float64 reference: N ∈ {17, 1031}, D ∈ {5, 128}, anchor weights, ignored rows, a class of one`, async () => {
    CONTRASTIVE_TILINGS.force(tiling);
    for (const n of [17, 1031]) {
      // row 5 alone in its class: in every denominator, but not an anchor
      const labels = mixedLabels(n).map((y, i) => (i === 5 ? 2 : y));
      for (const d of [5, 128]) await checkAgainstReference(`${tilingName(tiling)} N=${n} D=${d}`, unitRows(n, d), labels, d, 0.1, true, unevenWeights(n));
    }
    CONTRASTIVE_TILINGS.force(null);
  });
}

for (const tiling of [null, CONTRASTIVE_TILINGS.defaults.gpu]) {
  test(`fused (${tiling ? `${tilingName(tiling)}, the gpu profile's` : "this adapter's tiling"}): same input, same bits (loss and gradient)`, async () => {
    CONTRASTIVE_TILINGS.force(tiling);
    const z = unitRows(777, 32);
    const labels = mixedLabels(777);
    const a = await runLoss(z, labels, 32, 0.1, true);
    const b = await runLoss(z, labels, 32, 0.1, true);
    assert.is(a.loss, b.loss);
    assert.equal(Array.from(a.grad), Array.from(b.grad));
    CONTRASTIVE_TILINGS.force(null);
  });
}

// The sizes exist for loop-capped adapters (llvmpipe), where they pass one invocation's budget:
// there the gpu profile's flash-style tiling at N = 8192 has 4 column splits of 64 column tiles
// in the forward pass, and the backward takes 8 splits, whose parts are summed in two rounds.
// Without a cap (SwiftShader, GPUs) nothing is cut for the budget, and smaller N keep the
// structure that remains (several splits of several tiles at N = 4096) at a quarter of the cost.
const largeCases = [
  [[8192, 2048], 128, 14, null],
  [[21000, 4200], 4, 5, null],
  [[8192, 4096], 128, 14, CONTRASTIVE_TILINGS.defaults.gpu],
] as const;
for (const [[capped, uncapped], d, types, tiling] of largeCases) {
  test(`fused (${tiling ? tilingName(tiling) : "this adapter's tiling"}) at N=${capped} (${uncapped} on adapters without a loop cap), D=${d}: rows copied from ${types} typed rows`, async () => {
    const n = runtime().adapter.loopIterationCap === null ? uncapped : capped;
    CONTRASTIVE_TILINGS.force(tiling);
    const vectors = Array.from({ length: types }, () => Array.from(unitRows(1, d)));
    const typeLabels = Array.from({ length: types }, (_, t) => (t === 3 ? -1 : types === 5 ? 0 : t % 2));
    const z = new Float64Array(n * d);
    for (let i = 0; i < n; i++) z.set(vectors[i % types]!, i * d);
    const labels = Array.from({ length: n }, (_, i) => typeLabels[i % types]!);
    const { loss, grad } = await runLoss(z, labels, d, 0.1, true);
    const want = typedRowsRef(vectors, typeLabels, n, 0.1);
    const wantGrad = Float64Array.from({ length: n * d }, (_, e) => want.grad[Math.floor(e / d) % types]![e % d]!);
    assertClose([loss], [want.loss], 1e-5, 1e-4, `N=${n} loss`);
    assertClose(grad, wantGrad, gradTolerance(wantGrad, labels, 0.1), 1e-3, `N=${n} gradient`);
    CONTRASTIVE_TILINGS.force(null);
  });
}

test('label errors name the problem', () => {
  const z = ncl.zeros([3, 4]);
  assert.throws(() => ncl.contrastiveLoss(z, [0, 1]), /2 labels for tensor \[3,4\]/);
  assert.throws(() => ncl.contrastiveLoss(z, [0, 1, 0.5]), /row 2 has class 0.5/);
  assert.throws(() => ncl.contrastiveLoss(z, [0, 1, 0], { tau: 0 }), /tau must be positive/);
  z.dispose();
});

test.run();
