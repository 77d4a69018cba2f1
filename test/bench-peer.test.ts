// PyTorch as the benches' peer (bench/peer_torch.py): where a python3 with torch exists, the script
// runs the benches' workloads on small shapes, its contrastive loss is the same number as ncl's
// (tolerance 1e-4 relative: float32 on both sides, sums in different orders), and `ncl bench conv`
// prints its rows with the ratio. Without torch the tests are reported as skipped, with the reason.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTorchPython } from '../bench/peer.ts';
import { contrastiveLoss, noGrad, tensor } from '../src/index.ts';
import { ncl } from './helpers/cli.ts';
import { device } from './helpers/setup.ts';

const PEER = fileURLToPath(new URL('../bench/peer_torch.py', import.meta.url));
const torch = findTorchPython();

type PeerRow = Record<string, number | string | null>;

function peer(workload: string, spec: unknown[]): PeerRow[] {
  const r = spawnSync(torch.python!, [PEER, workload, JSON.stringify(spec), '--warmup', '0', '--repeat', '1'], { encoding: 'utf8' });
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
