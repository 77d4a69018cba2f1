// Batched matmul: specialisation per adapter profile and dispatch.
import { Tensor, formatShape } from '../autograd/tensor.ts';
import { runtime } from '../runtime/context.ts';
import type { KernelProfile } from '../runtime/runtime.ts';
import { kernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

/** Tile shape of the register-tiled kernel: each invocation computes tm×(4·tn4) outputs,
 *  a workgroup wgx×wgy invocations. */
export interface MatmulTiling {
  variant: 'register' | 'shared';
  tm: number;
  tn4: number;
  wgx: number;
  wgy: number;
}

/** Defaults per profile, chosen by `ncl bench matmul --tilings` (results in bench/RESULTS.md). */
export const DEFAULT_TILINGS: Record<KernelProfile, MatmulTiling> = {
  cpu: { variant: 'register', tm: 8, tn4: 2, wgx: 8, wgy: 8 },
  gpu: { variant: 'shared', tm: 4, tn4: 1, wgx: 16, wgy: 16 },
};

let override: MatmulTiling | null = null;

/** Forces a tiling (benchmarks compare them); null restores the profile's default. */
export function setMatmulTiling(t: MatmulTiling | null): void {
  override = t;
}

export function currentTiling(): MatmulTiling {
  return override ?? DEFAULT_TILINGS[runtime().profile];
}

export interface MatmulSpec {
  a: Tensor;
  b: Tensor;
  transA: boolean;
  transB: boolean;
  /** Scales the product (used by backward passes and the contrastive 1/τ). */
  alpha?: number;
}

/**
 * C = alpha · op(A) · op(B). A is [M,K] ([K,M] if transA) or [batch,…] of those; likewise B.
 * A 2-D operand is shared by every batch of the other.
 */
export function matmulKernel({ a, b, transA, transB, alpha = 1 }: MatmulSpec): Tensor {
  if (a.rank < 2 || b.rank < 2) throw new Error(`matmul needs matrices, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [K2, N] = transB ? [bc, br] : [br, bc];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (K !== K2) {
    throw new Error(`matmul: inner dimensions differ: ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} · ${formatShape(b.shape)}${transB ? 'ᵀ' : ''} (${K} vs ${K2})`);
  }
  if (batchA.length && batchB.length && formatShape(batchA) !== formatShape(batchB)) {
    throw new Error(`matmul: batch dimensions differ: ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const batch = batchA.length ? batchA : batchB;
  const nb = batch.reduce((x, y) => x * y, 1);
  const out = Tensor.empty([...batch, M, N]);
  if (K === 0) throw new Error(`matmul: inner dimension is 0 (${formatShape(a.shape)} · ${formatShape(b.shape)})`);
  const t = currentTiling();
  const maxZ = runtime().limits.maxComputeWorkgroupsPerDimension;
  if (nb > maxZ) throw new Error(`matmul: ${nb} batches exceed the adapter's ${maxZ} workgroups per dimension`);
  const tn = 4 * t.tn4;
  const file = t.variant === 'register' ? 'matmul' : 'matmul_shared';
  launch({
    op: 'matmul',
    kernel: kernel(`matmul:${t.variant}[${t.tm}x${tn},${t.wgx}x${t.wgy}]${transA ? 'ᵀ' : ''}${transB ? 'ᵀ' : ''}`, file, {
      TM: t.tm,
      TN4: t.tn4,
      WGX: t.wgx,
      WGY: t.wgy,
      TRANS_A: transA,
      TRANS_B: transB,
    }),
    reads: [a, b],
    writes: [out],
    uniforms: uniforms()
      .u32(M, N, K, batchA.length ? M * K : 0, batchB.length ? K * N : 0)
      .f32(alpha)
      .finish(),
    workgroups: [Math.ceil(N / tn / t.wgx), Math.ceil(M / t.tm / t.wgy), nb],
  });
  return out;
}
