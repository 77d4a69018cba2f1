// Batched matmul: kernel variant and tiling per adapter profile, and dispatch.
//
// Variants (MATMUL_VARIANTS, one object each; a tiling names its variant): 'vec4' (register-tiled,
// vec4 reads; needs row-major operands with K and N multiples of 4 — transposed operands are
// first copied row-major, which costs O(K·N) against the product's O(M·N·K), and 'register' runs
// in its place where K or N is not a multiple of 4), 'register' (the same tiling with scalar reads
// and transposes in the index math; any shape), 'shared' (workgroup-memory tiles of vec4s, for
// GPUs: gemm_tiled.wgsl's skeleton, which the conv kernels share, fed by op(A) and op(B) read in
// place; tm a multiple of 4; 8×8 per invocation with 16×16 invocations makes 128×128 output
// tiles; double-buffered tiles stage the next slice of K while the current one is multiplied).
// Split-K (`splitK` > 1, for skinny products whose M·N alone cannot fill a GPU): the inner
// dimension is cut into that many slices, each summed by its own workgroups into a partial
// product, and the partials are added in slice order (reduce.ts), so the result is the same on
// every run.
// On a CPU adapter with a loop budget (loop-budget.ts) a long inner dimension is split into
// chunks, one dispatch each, whose partial products are added in chunk order.
import { Storage, formatShape } from '../storage/storage.ts';
import { runtime } from '../runtime/context.ts';
import type { KernelInterface } from '../runtime/kernel-interface.ts';
import type { Constants } from '../runtime/pipelines.ts';
import { binaryKernel, fillKernel } from './elementwise.ts';
import { gemmTiledConstants, gemmTiledIterationsPerSlice } from './gemm-tiled.ts';
import { declaredKernel, launch, shader, type Shader } from './launch.ts';
import { loopBudget } from './loop-budget.ts';
import { REDUCE_SHADERS, reduceKernel } from './reduce.ts';
import { contiguousStrides, gatherStrided } from './strided.ts';
import { VariantFamily } from './variants.ts';

/** Each invocation computes tm×(4·tn4) outputs; a workgroup has wgx×wgy invocations; splitK
 *  slices of the inner dimension are summed apart (absent: 1); doubleBuffer (shared only) stages
 *  the next tiles while the current ones are multiplied. */
export interface MatmulTiling {
  /** Its kernel: a key of MATMUL_VARIANTS (the name the tuning cache and checkpoints record). */
  variant: 'vec4' | 'register' | 'shared';
  tm: number;
  tn4: number;
  wgx: number;
  wgy: number;
  splitK?: number;
  doubleBuffer?: boolean;
}

/** The tilings `ncl tune` and `ncl bench matmul --tilings` compare; each profile's default is among them. */
export const MATMUL_CANDIDATES: readonly MatmulTiling[] = [
  { variant: 'vec4', tm: 8, tn4: 2, wgx: 8, wgy: 8 },
  { variant: 'vec4', tm: 4, tn4: 2, wgx: 8, wgy: 8 },
  { variant: 'vec4', tm: 4, tn4: 4, wgx: 8, wgy: 8 },
  { variant: 'vec4', tm: 8, tn4: 2, wgx: 16, wgy: 4 },
  { variant: 'register', tm: 8, tn4: 2, wgx: 8, wgy: 8 },
  { variant: 'shared', tm: 4, tn4: 1, wgx: 16, wgy: 16 },
  { variant: 'shared', tm: 4, tn4: 1, wgx: 16, wgy: 4 },
  { variant: 'shared', tm: 8, tn4: 2, wgx: 16, wgy: 16 },
  { variant: 'shared', tm: 4, tn4: 1, wgx: 16, wgy: 16, splitK: 8 },
  { variant: 'shared', tm: 4, tn4: 1, wgx: 16, wgy: 16, doubleBuffer: true },
  { variant: 'vec4', tm: 8, tn4: 2, wgx: 8, wgy: 8, splitK: 4 },
];

/** One product as the tuner sees it: the operands' shapes and transposes. */
interface MatmulProblem {
  a: readonly number[];
  b: readonly number[];
  transA: boolean;
  transB: boolean;
}

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

function dims(p: MatmulProblem): { M: number; N: number; K: number; batch: number } {
  const [ar, ac] = p.a.slice(-2) as [number, number];
  const [br, bc] = p.b.slice(-2) as [number, number];
  const batch = (p.a.length > 2 ? p.a : p.b).slice(0, -2).reduce((x, y) => x * y, 1);
  return { M: p.transA ? ac : ar, K: p.transA ? ar : ac, N: p.transB ? br : bc, batch };
}

/**
 * The interface of every matmul variant: c (batches of M×N, or split-K's partials) from a and b,
 * whose element {{OPERAND}} is f32, or vec4<f32> for the vec4 variant. strideA, strideB: the
 * batch strides of a and b (0 for an operand every batch shares). The product sums over k in
 * [k0, k0 + kLen) of the K columns of op(A) (all of them unless a long sum is split across
 * dispatches). Split-K: z = split · batches + batch, and split s sums k in
 * [k0 + s·kSplit, k0 + (s+1)·kSplit) ∩ [k0, k0 + kLen) into its own partial C at z (the partials
 * are then added in order of s); without a split, kSplit = kLen and z is the batch.
 */
const MATMUL_INTERFACE = {
  reads: { a: '{{OPERAND}}', b: '{{OPERAND}}' },
  writes: { c: 'f32' },
  params: { M: 'u32', N: 'u32', K: 'u32', strideA: 'u32', strideB: 'u32', alpha: 'f32', k0: 'u32', kLen: 'u32', batches: 'u32', kSplit: 'u32' },
} as const satisfies KernelInterface;

/** What the dispatch needs of one kind of matmul kernel; MatmulTiling.variant names it. */
interface MatmulVariant {
  readonly shader: Shader<typeof MATMUL_INTERFACE>;
  /** The element a and b are bound as: vec4 reads four neighbouring values of a row at once. */
  readonly operand: 'f32' | 'vec4<f32>';
  /** Whether op(A) and op(B) are read in place, transposes in the index math; if not, a
   *  transposed operand is first copied row-major. */
  readonly readsTransposed: boolean;
  /** The variant that runs in this one's place where K or N is not a multiple of 4 (vec4 reads
   *  need both); absent: it takes every shape. */
  readonly unaligned?: MatmulTiling['variant'];
  /** The tile's constants beside OPERAND; the transposes are false where they were copied. */
  constants(t: MatmulTiling, transA: boolean, transB: boolean): Constants;
  /** Loop iterations per invocation for every 16 k (the loop budget's unit; an upper bound:
   *  every loop as written, whether or not the compiler unrolls it). */
  iterationsPer16k(t: MatmulTiling): number;
}

const registerTile = (t: MatmulTiling): Constants => ({ TM: t.tm, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy });

/** Every variant, by the name its tilings give. */
const MATMUL_VARIANTS: Readonly<Record<MatmulTiling['variant'], MatmulVariant>> = {
  vec4: {
    shader: shader('matmul_vec4', MATMUL_INTERFACE),
    operand: 'vec4<f32>',
    readsTransposed: false,
    unaligned: 'register',
    constants: registerTile,
    // Four k per iteration.
    iterationsPer16k: () => 4,
  },
  register: {
    shader: shader('matmul', MATMUL_INTERFACE),
    operand: 'f32',
    readsTransposed: true,
    constants: (t, transA, transB) => ({ ...registerTile(t), TRANS_A: transA, TRANS_B: transB }),
    iterationsPer16k: () => 16,
  },
  shared: {
    shader: shader('matmul_shared', MATMUL_INTERFACE),
    operand: 'f32',
    readsTransposed: true,
    constants(t, transA, transB) {
      if (t.tm % 4 !== 0) throw new Error(`matmul: the shared variant computes rows in groups of 4, got tm ${t.tm}`);
      return { ...gemmTiledConstants(t), TRANS_A: transA, TRANS_B: transB };
    },
    // One slice of gemm_tiled: its BK is 16.
    iterationsPer16k: gemmTiledIterationsPerSlice,
  },
};

/** Defaults per profile, chosen with `ncl bench matmul --tilings` (bench/RESULTS.md). Shape class:
 *  the transposes, whether vec4 reads apply (K and N multiples of 4), and M, N, K and the batch
 *  count rounded up to powers of two. */
export const MATMUL_TILINGS = new VariantFamily<MatmulTiling, MatmulProblem>(
  {
    cpu: MATMUL_CANDIDATES[0]!,
    gpu: MATMUL_CANDIDATES[5]!,
  },
  {
    name: 'matmul',
    // Beside the variants' own: the row-major copy of a transposed operand (vec4), the sum of
    // split-K's slices and of a loop budget's chunks.
    files: [...Object.values(MATMUL_VARIANTS).map((v) => v.shader.file), 'strided', ...REDUCE_SHADERS, 'binary'],
    classify(p) {
      const { M, N, K, batch } = dims(p);
      const vec4 = K % 4 === 0 && N % 4 === 0;
      return `${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'}${vec4 ? '' : ' unaligned'} b${pow2(batch)} m${pow2(M)} n${pow2(N)} k${pow2(K)}`;
    },
    candidates: () => MATMUL_CANDIDATES,
    describe: (p) => `${formatShape(p.a)}${p.transA ? 'ᵀ' : ''} · ${formatShape(p.b)}${p.transB ? 'ᵀ' : ''}`,
    trial(p) {
      const a = fillKernel(p.a, 0.5);
      const b = fillKernel(p.b, 0.25);
      return {
        run: () => matmulKernel({ a, b, transA: p.transA, transB: p.transB }).dispose(),
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  },
);

export interface MatmulSpec {
  a: Storage;
  b: Storage;
  transA: boolean;
  transB: boolean;
  /** Scales the product. */
  alpha?: number;
}

/** A row-major copy of the transpose of the last two axes. */
function transposed(t: Storage): Storage {
  const strides = contiguousStrides(t.shape);
  const r = t.rank;
  const shape = [...t.shape.slice(0, -2), t.shape[r - 1]!, t.shape[r - 2]!];
  return gatherStrided('matmul-transpose', t, { shape, strides: [...strides.slice(0, -2), strides[r - 1]!, strides[r - 2]!], offset: 0 });
}

/**
 * C = alpha · op(A) · op(B). A is [M,K] ([K,M] if transA) or [batch…, M, K]; likewise B.
 * A 2-D operand is shared by every batch of the other.
 */
export function matmulKernel({ a, b, transA, transB, alpha = 1 }: MatmulSpec): Storage {
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
  if (K === 0) throw new Error(`matmul: inner dimension is 0 (${formatShape(a.shape)} · ${formatShape(b.shape)})`);
  const batch = batchA.length ? batchA : batchB;
  const nb = batch.reduce((x, y) => x * y, 1);
  const maxZ = runtime().limits.maxComputeWorkgroupsPerDimension;
  if (nb > maxZ) throw new Error(`matmul: ${nb} batches exceed the adapter's ${maxZ} workgroups per dimension`);

  let t = MATMUL_TILINGS.current({ a: a.shape, b: b.shape, transA, transB });
  const instead = MATMUL_VARIANTS[t.variant].unaligned;
  if (instead && (K % 4 !== 0 || N % 4 !== 0)) t = { ...t, variant: instead };
  const variant = MATMUL_VARIANTS[t.variant];
  const copyA = transA && !variant.readsTransposed ? transposed(a) : null;
  const copyB = transB && !variant.readsTransposed ? transposed(b) : null;
  const ta = transA && variant.readsTransposed;
  const tb = transB && variant.readsTransposed;
  const tn = 4 * t.tn4;
  const spec = declaredKernel(variant.shader, `matmul:${t.variant}[${t.tm}x${tn},${t.wgx}x${t.wgy}${t.doubleBuffer ? ',double-buffered' : ''}]${ta ? 'ᵀ' : ''}${tb ? 'ᵀ' : ''}`, {
    OPERAND: variant.operand,
    ...variant.constants(t, ta, tb),
  });
  // Chunks within the loop budget (multiples of 16 k), each cut into at most splitK slices.
  const chunk = Math.min(K, Math.max(16, Math.floor(loopBudget() / variant.iterationsPer16k(t)) * 16));
  let out: Storage | null = null;
  for (let k0 = 0; k0 < K; k0 += chunk) {
    const len = Math.min(chunk, K - k0);
    const kSplit = Math.ceil(len / Math.min(t.splitK ?? 1, Math.floor(maxZ / nb)) / 16) * 16;
    const slices = Math.ceil(len / kSplit);
    const part = Storage.empty(slices > 1 ? [slices, ...batch, M, N] : [...batch, M, N]);
    launch({
      op: 'matmul',
      kernel: spec,
      reads: { a: copyA ?? a, b: copyB ?? b },
      writes: { c: part },
      params: { M, N, K, strideA: batchA.length ? M * K : 0, strideB: batchB.length ? K * N : 0, alpha, k0, kLen: len, batches: nb, kSplit },
      workgroups: [Math.ceil(N / tn / t.wgx), Math.ceil(M / t.tm / t.wgy), nb * slices],
    });
    let sum = part;
    if (slices > 1) {
      sum = reduceKernel('sum', part, 1, slices, nb * M * N, [...batch, M, N]);
      part.dispose();
    }
    if (out) {
      const total = binaryKernel('add', out, sum);
      out.dispose();
      sum.dispose();
      out = total;
    } else out = sum;
  }
  copyA?.dispose();
  copyB?.dispose();
  return out!;
}
