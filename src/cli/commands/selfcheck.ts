// `ncl selfcheck`: a quick check that the kernels compute correctly on this adapter — a few ops
// against plain CPU arithmetic and a small regression trained to convergence.
import type { Command } from 'commander';
import * as ncl from '../../index.ts';

type Check = [name: string, run: () => Promise<number>, tolerance: number];

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * seed) * 0.9);
}

function maxError(got: Float32Array, want: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < got.length; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!));
  return got.length === want.length ? e : Infinity;
}

const checks: Check[] = [
  [
    'matmul 37×29 · 29×41',
    async () => {
      const [M, K, N] = [37, 29, 41];
      const a = values(M * K, 1.3);
      const b = values(K * N, 2.1);
      const want = new Float64Array(M * N);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) want[i * N + j]! += a[i * K + k]! * b[k * N + j]!;
      return maxError(await ncl.matmul(ncl.tensor(a, [M, K]), ncl.tensor(b, [K, N])).data(), want);
    },
    1e-4,
  ],
  [
    'softmax over 300 logits',
    async () => {
      const x = values(300, 0.7).map((v) => v * 10);
      const m = Math.max(...x);
      const s = x.reduce((acc, v) => acc + Math.exp(v - m), 0);
      return maxError(await ncl.softmax(ncl.tensor(x, [300])).data(), Array.from(x, (v) => Math.exp(v - m) / s));
    },
    1e-6,
  ],
  [
    'sum of 100 000 values',
    async () => {
      const x = values(100000, 0.3);
      return maxError(await ncl.sum(ncl.tensor(x, [100000])).data(), [x.reduce((a, v) => a + v, 0)]);
    },
    1e-2,
  ],
  [
    'gradient of Σ sigmoid(x)·x',
    async () => {
      const xs = values(50, 1.7);
      const x = ncl.tensor(xs, [50], { requiresGrad: true });
      ncl.tidy(() => ncl.backward(ncl.sum(ncl.mul(ncl.sigmoid(x), x))));
      const want = Array.from(xs, (v) => {
        const s = 1 / (1 + Math.exp(-v));
        return s + v * s * (1 - s);
      });
      return maxError(await x.grad!.data(), want);
    },
    1e-5,
  ],
  [
    'regression trained with AdamW (final loss)',
    async () => {
      const n = 32;
      const xs = values(n * 2, 0.9);
      const ys = Array.from({ length: n }, (_, i) => 2 * xs[2 * i]! - xs[2 * i + 1]! + 0.5);
      const x = ncl.tensor(xs, [n, 2]);
      const y = ncl.tensor(ys, [n, 1]);
      const w = ncl.zeros([2, 1], { requiresGrad: true });
      const b = ncl.zeros([1], { requiresGrad: true });
      const opt = new ncl.AdamW([w, b], { lr: 0.05, weightDecay: 0 });
      let last = ncl.zeros([1]);
      for (let step = 0; step < 300; step++) {
        last.dispose();
        last = ncl.tidy(() => {
          const loss = ncl.mean(ncl.square(ncl.sub(ncl.add(ncl.matmul(x, w), b), y)));
          ncl.backward(loss);
          return loss;
        });
        opt.step();
        opt.zeroGrad();
      }
      return last.item();
    },
    1e-6,
  ],
];

export function registerSelfcheck(program: Command): void {
  program
    .command('selfcheck')
    .description('check a few kernels against CPU arithmetic on this adapter')
    .action(async () => {
      const rt = await ncl.initDevice();
      console.log(`selfcheck on ${rt.adapter.description} (${rt.adapter.backend}${rt.adapter.fallback ? ', CPU fallback' : ''})`);
      let failed = 0;
      for (const [name, run, tolerance] of checks) {
        const t0 = performance.now();
        const err = await run();
        const ok = err <= tolerance;
        if (!ok) failed++;
        console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(44)} error ${err.toExponential(2)} (≤ ${tolerance})  ${(performance.now() - t0).toFixed(0)} ms`);
      }
      console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
      if (failed) process.exitCode = 1;
    });
}
