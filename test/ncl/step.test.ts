// The NCL training step (docs/method.md §3–§5): role switching per mode, L_pc, L_seg, the patch
// plan of a batch, and the loss terms of each mode on a tiny network. (Patch pooling, labels and
// the sampler themselves: test/ncl/patch*.test.ts.)
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { backward, tensor } from '../../src/index.ts';
import { contrastiveBounds, stepBounds } from '../../src/ncl/diagnostics/contrastive-bounds.ts';
import { SeparationAccumulator } from '../../src/ncl/diagnostics/separation.ts';
import { Rng } from '../../src/common/rng.ts';
import { tidy } from '../../src/autograd/scope.ts';
import { AdamW } from '../../src/optim/optimizer.ts';
import { pivotAnchoredLoss, pivotConsistentLoss, segmentationLoss } from '../../src/ncl/method/losses.ts';
import { modelConfig } from '../../src/ncl/method/model/config.ts';
import { NclNetwork } from '../../src/ncl/method/model/network.ts';
import { DEFAULT_NCL_OPTIONS } from '../../src/ncl/method/options.ts';
import { PATCH_AUTHENTIC, PATCH_CONTOUR, PATCH_TAMPERED } from '../../src/ncl/method/patch-labels.ts';
import { patchGrid } from '../../src/ncl/ops/patch-pool.ts';
import { anchorProjection, pivotAnchors } from '../../src/ncl/method/pivot-anchor.ts';
import { contourTargets } from '../../src/ncl/method/contour.ts';
import { RowIndex } from '../../src/autograd/ops/gather.ts';
import { Tensor } from '../../src/autograd/tensor.ts';
import { branchLabels, contrastiveTerms, headsFor, type RoleSwitch } from '../../src/ncl/method/roles.ts';
import { nclStepLosses, planPatches } from '../../src/ncl/method/step.ts';
import { assertClose, device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

/** Masks with a tampered square [lo, hi)² in each image. */
function squareMasks(batch: number, size: number, lo: number, hi: number): Uint8Array {
  const m = new Uint8Array(batch * size * size);
  for (let b = 0; b < batch; b++) for (let y = lo; y < hi; y++) for (let x = lo; x < hi; x++) m[(b * size + y) * size + x] = 1;
  return m;
}

test('role switching: contour → tampered in T, → authentic in A, ignored in drop; alternate flips per step', () => {
  const kinds = [PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR];
  assert.equal(Array.from(branchLabels(kinds, 'tampered')), [0, 1, 1]);
  assert.equal(Array.from(branchLabels(kinds, 'authentic')), [0, 1, 0]);
  assert.equal(Array.from(branchLabels(kinds, 'ignored')), [0, 1, -1]);
  assert.equal(contrastiveTerms('dual', 5).map((t) => `${t.head}:${t.contour}`), ['t:tampered', 'a:authentic']);
  assert.equal(contrastiveTerms('alternate', 0)[0]!.contour, 'tampered');
  assert.equal(contrastiveTerms('alternate', 1)[0]!.contour, 'authentic');
  assert.equal(contrastiveTerms('off', 0), []);
  assert.equal(headsFor('drop'), ['t']);
  assert.equal(headsFor('switch'), ['t', 'a']);
  const roles = (step: number, every: number) => contrastiveTerms('switch', step, every).map((t) => `${t.head}:${t.contour}`).join(' ');
  assert.equal([0, 1, 2, 3].map((step) => roles(step, 1)), ['t:tampered a:authentic', 't:authentic a:tampered', 't:tampered a:authentic', 't:authentic a:tampered']);
  assert.equal([0, 2, 3, 5, 6].map((step) => roles(step, 3)), ['t:tampered a:authentic', 't:tampered a:authentic', 't:authentic a:tampered', 't:authentic a:tampered', 't:tampered a:authentic']);
});

test('contrastive bounds: log(N − 1) at collapse, the loss of antipodal class points at the minimum', async () => {
  const tau = 0.5; // large, so that the negatives' share e^{−2/τ} shows
  const labels = [0, 0, 0, 1, 1, -1];
  const weights = [1, 1, 1, 2, 2, 5];
  const bounds = contrastiveBounds(labels, tau, weights)!;
  const loss = async (rows: number[][]) => {
    const z = tensor(rows.flat(), [rows.length, 2]);
    const l = ncl.contrastiveLoss(z, labels, { tau, anchorWeights: weights });
    const v = await l.item();
    z.dispose();
    l.dispose();
    return v;
  };
  const ignored = [0.6, 0.8];
  assertClose([await loss([[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], ignored])], [bounds.collapse], 1e-5, 1e-5, 'collapse');
  assertClose([await loss([[1, 0], [1, 0], [1, 0], [-1, 0], [-1, 0], ignored])], [bounds.minimum], 1e-5, 1e-5, 'minimum');
  assert.ok((await loss([[1, 0], [0.8, 0.6], [1, 0], [-1, 0], [-0.6, -0.8], ignored])) > bounds.minimum, 'spread classes lose more');
  assert.is(contrastiveBounds([0, 1, 2, -1], tau), null, 'no kept anchor');
});

test('patch separation: mean cosines within and across kinds, from known patch embeddings', async () => {
  // a 16 px input, embeddings at stride 4, 8 px patches: four patches of 2×2 cells, each constant
  const unit = [[1, 0], [0, 1], [0.6, 0.8], [0, 1]];
  const emb = new Float32Array(2 * 4 * 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) unit[(y >> 1) * 2 + (x >> 1)]!.forEach((v, d) => (emb[d * 16 + y * 4 + x] = v));
  const masks = new Uint8Array(16 * 16);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) masks[y * 16 + x] = 1; // patch 0 tampered
  const out = { logits: tensor(new Float32Array(2 * 256), [1, 2, 16, 16]), pivot: tensor([0], [1]), embeddings: { t: tensor(emb, [1, 2, 4, 4]) } };
  const acc = new SeparationAccumulator(['t'], { ...DEFAULT_NCL_OPTIONS, patchSize: 8 });
  await acc.add(out, masks);
  const s = (await acc.summarise()).t!;
  assert.equal([s.tampered, s.authentic], [1, 3]);
  assertClose([s.cosine.authentic!, s.cosine.cross!], [(0.8 + 1 + 0.8) / 3, (0 + 0.6 + 0) / 3], 1e-6, 1e-6, 'within authentic, across');
  assert.equal([s.cosine.tampered, s.con], [null, null], 'one tampered patch: no pair, no L_con');
  for (const t of [out.logits, out.pivot, out.embeddings.t]) t.dispose();
});

test('L_pc = mean(1 − z_T · z_A) over the held rows; L_seg is the pixel softmax cross-entropy, optionally class-weighted', async () => {
  const zT = tensor([1, 0, 0, 1], [2, 2]);
  const zA = tensor([0.6, 0.8, 0, 1], [2, 2]);
  assertClose([await pivotConsistentLoss(zT, zA).item()], [(0.4 + 0) / 2], 1e-6, 1e-6, 'L_pc');
  assertClose([await pivotConsistentLoss(zT, zA, [true, false]).item()], [0.4], 1e-6, 1e-6, 'L_pc over row 0');
  assertClose([await pivotConsistentLoss(zT, zA, [false, false]).item()], [0], 0, 0, 'L_pc over no row');
  // held to anchors q = (0.8, 0.6), (1, 0): head T 1 − (0.8, 0) , head A 1 − (0.96, 0); mean over heads and rows
  const q = tensor([0.8, 0.6, 1, 0], [2, 2]);
  assertClose([await pivotAnchoredLoss([zT, zA], q).item()], [(0.2 + 1 + 0.04 + 1) / 4], 1e-6, 1e-6, 'L_pc held to the pivot (5.7b)');
  assertClose([await pivotAnchoredLoss([zT, zA], q, [false, true]).item()], [(1 + 1) / 2], 1e-6, 1e-6, 'over row 1');
  const logits = tensor([0, 2, 1, 0], [1, 2, 1, 2]); // pixel 0: (0, 1), pixel 1: (2, 0)
  const [ceTampered, ceAuthentic] = [-Math.log(Math.exp(1) / (1 + Math.exp(1))), -Math.log(Math.exp(2) / (Math.exp(2) + 1))];
  assertClose([await segmentationLoss(logits, Uint8Array.from([1, 0])).item()], [(ceTampered + ceAuthentic) / 2], 1e-6, 1e-5, 'L_seg');
  assertClose([await segmentationLoss(logits, Uint8Array.from([1, 0]), 3).item()], [(3 * ceTampered + ceAuthentic) / 4], 1e-6, 1e-5, 'L_seg, tampered weight 3');
});

test('contour targets: a stride-4 cell is contour when its 4×4 pixels widened by 2 px hold both classes', () => {
  // one 16×16 mask, tampered where x ≥ 9: the edge lies between pixels 8 and 9, so cell columns
  // 1 (pixels 4..7, widened 2..9) and 2 (8..11, widened 6..13) see both classes, columns 0 and 3 one
  const size = 16;
  const mask = Uint8Array.from({ length: size * size }, (_, i) => (i % size >= 9 ? 1 : 0));
  const targets = contourTargets(mask, 1, size);
  for (let cy = 0; cy < 4; cy++) assert.equal(Array.from(targets.subarray(cy * 4, cy * 4 + 4)), [0, 1, 1, 0], `row ${cy}`);
  assert.equal(Array.from(contourTargets(new Uint8Array(size * size), 1, size)), new Array(16).fill(0), 'no edge, no contour');
});

test('pivot anchors: unit rows of the pooled pivot features through the fixed projection R, carrying no gradient', async () => {
  // pivot [1, 3, 2, 2], one 2×2 cell per patch of 8 px at stride 4: patch 0 covers all four cells
  const pivot = Tensor.fromArray([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0], [1, 3, 2, 2], { requiresGrad: true });
  const grid = patchGrid([1, 3, 2, 2], [8, 8], 8);
  const index = new RowIndex(Int32Array.from([0]), 1);
  const q = pivotAnchors(pivot, grid, index, 2);
  const r = anchorProjection(3, 2);
  assert.equal(Array.from(r), Array.from(anchorProjection(3, 2)), 'R depends on C and D alone');
  // f̄ = unit(1, 2, 0); R f̄ then unit
  const f = [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0];
  const p = [0, 1].map((d) => f.reduce((a, v, c) => a + v * r[c * 2 + d]!, 0));
  const norm = Math.hypot(p[0]!, p[1]!);
  assertClose(Array.from(await q.data()), p.map((v) => v / norm), 1e-6, 1e-6, 'q');
  assert.is(q.requiresGrad, false, 'no gradient flows into the pivot through an anchor');
  for (const t of [pivot, q]) t.dispose();
  index.dispose();
});

test('patch plan: every patch of the batch is kept under the cap, with the kinds of the masks', async () => {
  const size = 64;
  const images = tensor(new Float32Array(2 * 3 * size * size), [2, 3, size, size]);
  const plan = planPatches({ images, masks: squareMasks(2, size, 16, 48) }, 8, DEFAULT_NCL_OPTIONS, Rng.fromSeed(0))!;
  assert.is(plan.sample.rows.length, 2 * 4 * 4);
  const kinds = Array.from(plan.sample.kinds);
  assert.equal([PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR].map((k) => kinds.filter((x) => x === k).length), [24, 8, 0]);
  plan.sample.index.dispose();
});

test('each mode: the loss terms it defines, finite, and a gradient for every parameter it uses', async () => {
  const size = 64;
  const images = tensor(Float32Array.from({ length: 2 * 3 * size * size }, (_, i) => Math.sin(i * 0.1)), [2, 3, size, size]);
  const masks = squareMasks(2, size, 10, 40);
  for (const mode of ['dual', 'switch', 'alternate', 'drop', 'off'] as RoleSwitch[]) {
    const config = modelConfig('tiny', { inputSize: size });
    const net = new NclNetwork(config, headsFor(mode), 1);
    const options = { ...DEFAULT_NCL_OPTIONS, roleSwitch: mode };
    const plan = planPatches({ images, masks }, config.embedDim, options, Rng.fromSeed(0));
    assert.is(plan === null, mode === 'off', mode);
    const losses = nclStepLosses(net, { images, masks }, options, 0, plan);
    assert.equal(losses.con.length, { dual: 2, switch: 2, alternate: 1, drop: 1, off: 0 }[mode], mode);
    assert.equal(losses.pc !== null, mode === 'dual' || mode === 'switch', mode);
    assert.equal(stepBounds(losses, options.tau).length, losses.con.length, `${mode}: bounds per term`);
    if (mode === 'drop') assert.not.ok(plan!.sample.kinds.includes(PATCH_CONTOUR), 'drop samples no contour patch');
    const seg = await losses.seg.item();
    const total = await losses.total.item();
    assert.ok(Number.isFinite(total), `${mode}: total ${total}`);
    if (mode === 'off') assert.is(total, seg);
    else assert.ok(total > seg, `${mode}: total ${total} vs L_seg ${seg} (contrastive terms are positive)`);
    backward(losses.total);
    plan?.sample.index.dispose();
    const missing = net.namedParameters().filter(([, p]) => !p.grad).map(([n]) => n);
    assert.equal(missing, [], `${mode}: parameters without a gradient`);
    net.dispose();
  }
});

test('L_con alone separates a fixed batch: 15 AdamW steps close most of the gap between collapse and minimum', async () => {
  // The gradient of the contrastive term reaches every layer it should (fused kernel, row gather,
  // patch pooling, head, pivot, backbone): a wrong or missing piece leaves L_con near log(N − 1).
  const size = 64;
  const random = Rng.fromSeed(3);
  const images = tensor(Float32Array.from({ length: 4 * 3 * size * size }, () => random.uniform(-1, 1)), [4, 3, size, size]);
  const masks = squareMasks(4, size, 16, 40);
  const options = { ...DEFAULT_NCL_OPTIONS, roleSwitch: 'drop' as const };
  const config = modelConfig('tiny', { inputSize: size });
  const net = new NclNetwork(config, headsFor('drop'), 1);
  const optimizer = new AdamW(net.parameters(), { lr: 6e-3, weightDecay: 0 });
  const plan = planPatches({ images, masks }, config.embedDim, options, Rng.fromSeed(0))!;
  const closed: number[] = [];
  for (let step = 0; step < 15; step++) {
    const { con, bounds } = tidy(() => {
      const losses = nclStepLosses(net, { images, masks }, options, step, plan);
      backward(losses.con[0]!);
      return { con: losses.con[0]!, bounds: stepBounds(losses, options.tau)[0]! };
    });
    optimizer.step();
    optimizer.zeroGrad();
    closed.push((bounds.collapse - (await con.item())) / (bounds.collapse - bounds.minimum));
    con.dispose();
  }
  assert.ok(closed[0]! < 0.3, `the gap closed at the start: ${closed[0]}`);
  assert.ok(closed[14]! > 0.8, `the gap closed after 15 steps: ${closed.map((c) => c.toFixed(2)).join(' ')}`);
  plan.sample.index.dispose();
  optimizer.dispose();
  net.dispose();
});

test.run();
