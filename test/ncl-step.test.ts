// The NCL training step (ncl-method.md §3–§5): patch labels and pooling, the sampler's quotas,
// role switching per mode, L_pc, and the total loss of each mode on a tiny network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward, tensor } from '../src/index.ts';
import { Rng } from '../src/data/rng.ts';
import { pivotConsistentLoss, segmentationLoss } from '../src/ncl/losses.ts';
import { modelConfig } from '../src/ncl/model/config.ts';
import { NclNetwork } from '../src/ncl/model/network.ts';
import { DEFAULT_NCL_OPTIONS, type RoleSwitch } from '../src/ncl/options.ts';
import { patchLabels, poolPatches } from '../src/ncl/patch-grid.ts';
import { kindQuotas, samplePatches } from '../src/ncl/patch-sampler.ts';
import { branchLabels, contrastiveTerms, headsFor, PatchKind } from '../src/ncl/roles.ts';
import { nclStepLosses } from '../src/ncl/step.ts';
import { assertClose, device } from './helpers/setup.ts';

test.before(async () => {
  await device();
});

/** Masks with a tampered square [lo, hi)² in each image. */
function squareMasks(batch: number, size: number, lo: number, hi: number): Uint8Array {
  const m = new Uint8Array(batch * size * size);
  for (let b = 0; b < batch; b++) for (let y = lo; y < hi; y++) for (let x = lo; x < hi; x++) m[(b * size + y) * size + x] = 1;
  return m;
}

test('patch labels: ratio per 16×16 cell, kinds with tolerance ε', () => {
  const masks = squareMasks(1, 32, 8, 32); // cell (0,0) quarter, (0,1) and (1,0) half, (1,1) full
  const { ratio, kind } = patchLabels(masks, 1, 32, 16, 0);
  assert.equal(Array.from(ratio), [0.25, 0.5, 0.5, 1]);
  assert.equal(Array.from(kind), [PatchKind.Contour, PatchKind.Contour, PatchKind.Contour, PatchKind.Tampered]);
  assert.equal(Array.from(patchLabels(masks, 1, 32, 16, 0.3).kind), [PatchKind.Authentic, PatchKind.Contour, PatchKind.Contour, PatchKind.Tampered]);
  assert.throws(() => patchLabels(masks, 1, 32, 24, 0), /not a multiple of the patch size 24/);
});

test('patch pooling: cell means, L2-normalised, rows image by image', async () => {
  // [1, 2, 8, 8] map, patch 16 px = 4×4 cells → 2×2 patches; channel 0 = cell id + 1, channel 1 = 1.
  const data = new Float32Array(2 * 64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
    data[y * 8 + x] = 2 * Math.floor(y / 4) + Math.floor(x / 4) + 1;
    data[64 + y * 8 + x] = 1;
  }
  const z = await poolPatches(tensor(data, [1, 2, 8, 8]), 16).data();
  const want = [1, 2, 3, 4].flatMap((v) => [v / Math.hypot(v, 1), 1 / Math.hypot(v, 1)]);
  assertClose(z, want, 1e-6, 1e-5, 'pooled patches');
});

test('sampler: everything under the cap; equal shares over it, contour kept up to its share', () => {
  assert.equal(kindQuotas([100, 100, 10], 90), [40, 40, 10]);
  assert.equal(kindQuotas([5, 100, 100], 90), [5, 42, 43]);
  const kinds = Uint8Array.from({ length: 300 }, (_, i) => (i < 20 ? PatchKind.Contour : i < 150 ? PatchKind.Authentic : PatchKind.Tampered));
  assert.equal(samplePatches(kinds, 400, Rng.fromSeed(1)).length, 300);
  const kept = samplePatches(kinds, 80, Rng.fromSeed(1));
  assert.equal(kept.length, 80);
  assert.equal(Array.from(kept).filter((i) => i < 20).length, 20);
  assert.equal(Array.from(kept), Array.from(samplePatches(kinds, 80, Rng.fromSeed(1))));
  assert.not.equal(Array.from(kept), Array.from(samplePatches(kinds, 80, Rng.fromSeed(2))));
});

test('role switching: contour → tampered in T, → authentic in A, ignored in drop; alternate flips per step', () => {
  const kinds = [PatchKind.Authentic, PatchKind.Tampered, PatchKind.Contour];
  assert.equal(Array.from(branchLabels(kinds, 'tampered')), [0, 1, 1]);
  assert.equal(Array.from(branchLabels(kinds, 'authentic')), [0, 1, 0]);
  assert.equal(Array.from(branchLabels(kinds, 'ignored')), [0, 1, -1]);
  assert.equal(contrastiveTerms('dual', 5).map((t) => `${t.head}:${t.contour}`), ['t:tampered', 'a:authentic']);
  assert.equal(contrastiveTerms('alternate', 0)[0]!.contour, 'tampered');
  assert.equal(contrastiveTerms('alternate', 1)[0]!.contour, 'authentic');
  assert.equal(contrastiveTerms('off', 0), []);
  assert.equal(headsFor('drop'), ['t']);
});

test('L_pc = mean(1 − z_T · z_A); L_seg is the pixel softmax cross-entropy', async () => {
  const zT = tensor([1, 0, 0, 1], [2, 2]);
  const zA = tensor([0.6, 0.8, 0, 1], [2, 2]);
  assertClose([await pivotConsistentLoss(zT, zA).item()], [(0.4 + 0) / 2], 1e-6, 1e-6, 'L_pc');
  const logits = tensor([0, 2, 1, 0], [1, 2, 1, 2]); // pixel 0: (0, 1), pixel 1: (2, 0)
  const want = (-Math.log(Math.exp(1) / (1 + Math.exp(1))) - Math.log(Math.exp(2) / (Math.exp(2) + 1))) / 2;
  assertClose([await segmentationLoss(logits, Uint8Array.from([1, 0])).item()], [want], 1e-6, 1e-5, 'L_seg');
});

test('each mode: the loss terms it defines, finite, and a gradient for every parameter it uses', async () => {
  const size = 64;
  const images = tensor(Float32Array.from({ length: 2 * 3 * size * size }, (_, i) => Math.sin(i * 0.1)), [2, 3, size, size]);
  const masks = squareMasks(2, size, 10, 40);
  for (const mode of ['dual', 'alternate', 'drop', 'off'] as RoleSwitch[]) {
    const net = new NclNetwork(modelConfig('tiny', { inputSize: size }), headsFor(mode), 1);
    const losses = nclStepLosses(net, { images, masks }, { ...DEFAULT_NCL_OPTIONS, roleSwitch: mode }, 0, Rng.fromSeed(0));
    assert.equal(losses.con.length, { dual: 2, alternate: 1, drop: 1, off: 0 }[mode], mode);
    assert.equal(losses.pc !== null, mode === 'dual', mode);
    const seg = await losses.seg.item();
    const total = await losses.total.item();
    assert.ok(Number.isFinite(total), `${mode}: total ${total}`);
    if (mode === 'off') assert.is(total, seg);
    else assert.ok(total > seg, `${mode}: total ${total} vs L_seg ${seg} (contrastive terms are positive)`);
    backward(losses.total);
    losses.index?.dispose();
    const missing = net.namedParameters().filter(([, p]) => !p.grad).map(([n]) => n);
    assert.equal(missing, [], `${mode}: parameters without a gradient`);
    net.dispose();
  }
});

test.run();
