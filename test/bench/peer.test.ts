// PyTorch as the benches' peer (bench/peer_torch.py): where a python3 with torch exists, the script
// runs the benches' workloads on small shapes, its contrastive loss is the same number as ncl's
// (tolerance 1e-4 relative: float32 on both sides, sums in different orders), and `ncl bench conv`
// prints its rows with the ratio. Its training step, run in float64 on ncl's initial weights, batch
// and patch sample, is the reference for ncl's float32 step: every loss term of the first step
// within 1e-5 relative (at most 1.2e-6 seen on llvmpipe), and the total after one AdamW step within
// 1e-3 of the change that step made (at most 1.4e-4 seen: AdamW's first step is about lr·sign(g), so
// gradients that are float32 rounding noise in ncl move their weights by a full lr step; a learning
// rate 10 % off misses by 4e-2; a one-step weight decay of lr·λ is too small to show). Without
// torch the tests are reported as skipped, with the reason.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTorchPython } from '../../bench/peer.ts';
import type { PeerRow } from '../../bench/peers.ts';
import { disposeWorkload, trainStepLosses, trainWorkload } from '../../bench/train.ts';
import { writeTrainPeerSpec } from '../../bench/train-peer.ts';
import type { NclOptions } from '../../src/ncl/method/options.ts';
import { PATCH_AUTHENTIC, PATCH_CONTOUR, PATCH_TAMPERED } from '../../src/ncl/method/patch-labels.ts';
import { contrastiveLoss, noGrad, tensor } from '../../src/index.ts';
import { ncl } from '../helpers/cli.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { device } from '../helpers/setup.ts';

const PEER = fileURLToPath(new URL('../../bench/peer_torch.py', import.meta.url));
const torch = findTorchPython();

function peer(workload: string, spec: unknown[], ...options: string[]): PeerRow[] {
  const r = spawnSync(torch.python!, [PEER, workload, JSON.stringify(spec), '--warmup', '0', '--repeat', '1', ...options], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const [header, ...rows] = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as PeerRow);
  assert.is(header!.peer, 'pytorch');
  return rows;
}

const cases: Array<[string, () => Promise<void>]> = [
  [
    'matmul and conv rows: one per shape and pass, with times',
    async () => {
      const mm = peer('matmul', [
        { name: '8', M: 8, K: 8, N: 8, transB: false },
        { name: '16x4', M: 16, K: 4, N: 16, transB: true },
      ]);
      assert.equal(mm.map((r) => r.n), ['8', '16x4']);
      const conv = peer('conv', [{ name: 'small', N: 1, Cin: 3, Cout: 4, H: 9, k: 3, stride: 2, dilation: 1, padding: 1 }]);
      assert.equal(conv.map((r) => r.pass), ['fwd', 'bwdData', 'bwdWeight']);
      for (const r of [...mm, ...conv]) assert.ok((r.ms as number) > 0 && r.impl === 'pytorch');
    },
  ],
  [
    'the contrastive workload is the same loss as ncl computes',
    async () => {
      await device();
      for (const [n, d] of [
        [30, 8],
        [100, 16],
      ] as const) {
        const [row] = peer('contrastive', [{ n, d, tau: 0.1 }]);
        // The bench's embeddings and labels (bench/contrastive.ts).
        const z = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 12.9898 + 1.3));
        for (let i = 0; i < n; i++) {
          const r = z.subarray(i * d, (i + 1) * d);
          const norm = Math.hypot(...r);
          r.forEach((v, k) => (r[k] = v / norm));
        }
        const labels = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -1 : i % 2));
        const want = await noGrad(() => contrastiveLoss(tensor(z, [n, d]), labels, { tau: 0.1 })).item();
        const got = row!.loss as number;
        assert.ok(Math.abs(got - want) <= 1e-4 * Math.abs(want), `N=${n}: PyTorch ${got}, ncl ${want}`);
      }
    },
  ],
  [
    'the train workload: PyTorch in float64 on the same weights, batch and patches gives ncl\'s losses, before and after one AdamW step',
    async () => {
      await device();
      // The defaults (dual, anchors weighted by kind, L_pc over non-contour patches), then the
      // one-head mode with ignored contour labels and a weighted L_seg, then the other anchor
      // balance with L_pc over every patch, then L_pc held to the pivot's projected features (5.7b),
      // then the contour loss (5.9b) with and without the contrastive terms.
      const variants: Array<Partial<NclOptions>> = [{}, { roleSwitch: 'drop', segTamperedWeight: 3 }, { anchorBalance: 'sample', pivotConsistency: 'all' }, { consistencyTarget: 'pivot', lambdaPc: 1 }, { lambdaContour: 1 }, { roleSwitch: 'off', lambdaContour: 0.5 }];
      for (const options of variants) {
        const { dir, cleanup } = await tempDir('peer-train');
        try {
          const w = await trainWorkload(dir, { preset: 'tiny', batchSize: 2, inputSize: 64, ncl: options });
          const kinds = new Set(w.plan?.sample.kinds ?? []);
          const expected = options.roleSwitch === 'off' ? [] : options.roleSwitch === 'drop' ? [PATCH_AUTHENTIC, PATCH_TAMPERED] : [PATCH_AUTHENTIC, PATCH_TAMPERED, PATCH_CONTOUR];
          assert.equal([...kinds].sort(), expected, 'the sample has the patch kinds the mode uses');
          const [row] = peer('train', [await writeTrainPeerSpec(dir, w.net, w.config, w.batch, w.plan)], '--float64');
          const ours = await trainStepLosses(w);
          const oursAfterStep = (await trainStepLosses(w)).total!;
          const reference = row!.loss as Record<string, number | null>;
          const what = JSON.stringify(options);
          assert.equal(Object.keys(ours).sort(), Object.keys(reference).sort(), what);
          for (const [term, value] of Object.entries(reference)) {
            if (value === null) assert.is(ours[term], null, `${what} ${term}`);
            else assert.ok(Math.abs(ours[term]! - value) <= 1e-5 * Math.abs(value), `${what} ${term}: ncl ${ours[term]}, PyTorch float64 ${value}`);
          }
          const afterStep = row!.totalAfterStep as number;
          const change = Math.abs(afterStep - reference.total!);
          assert.ok(Math.abs(oursAfterStep - afterStep) <= 1e-3 * change, `${what} after one step: ncl ${oursAfterStep}, PyTorch float64 ${afterStep} (the step moved it by ${change})`);
          assert.ok((row!.ms as number) > 0 && (row!.imagesPerSecond as number) > 0);
          disposeWorkload(w);
        } finally {
          await cleanup();
        }
      }
    },
  ],
  [
    'ncl bench conv prints the peer rows and the ncl ÷ PyTorch speed',
    async () => {
      const r = await ncl('bench', 'conv', '--shapes', 'e', '--no-tfjs', '--warmup', '0', '--repeat', '1', '--json');
      assert.is(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as PeerRow);
      assert.ok(rows.some((x) => typeof x.note === 'string' && (x.note as string).startsWith('pytorch ')), 'a note names the peer');
      assert.equal(rows.filter((x) => x.impl === 'pytorch').map((x) => x.pass), ['fwd', 'bwdData', 'bwdWeight', 'total']);
      const ours = rows.filter((x) => x.impl === 'ncl');
      assert.is(ours.length, 4);
      for (const x of ours) assert.ok((x.vsTorch as number) > 0, `vsTorch of ${x.pass}`);
    },
  ],
];

for (const [name, run] of cases) {
  if (torch.python) test(name, run);
  else test.skip(`${name} (skipped: ${torch.reason})`, () => {});
}

test.run();
