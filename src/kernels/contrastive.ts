// The fused contrastive kernels (shaders/contrastive_*.wgsl): the variant family, specialisation
// per adapter profile, bindings and dispatch sizes of the streaming kernels (the flash-style ones
// are in contrastive-flash.ts). z arrives padded to D4·4 columns (a multiple of 4).
import { Storage } from '../storage/storage.ts';
import { runtime } from '../runtime/context.ts';
import type { KernelInterface } from '../runtime/kernel-interface.ts';
import { fillKernel } from './elementwise.ts';
import { declaredKernel, launch, shader, type Shader } from './launch.ts';
import { loopBudget } from './loop-budget.ts';
import { REDUCE_SHADERS, reduceKernel } from './reduce.ts';
import { VariantFamily } from './variants.ts';
import { ROW_INFO, type DevicePlan } from './contrastive-device-plan.ts';
import { FLASH_SHADERS, flashBackward, flashForward, flashWorkgroupBytes, type FlashTiling } from './contrastive-flash.ts';

/** Checks a contrastive temperature τ (s_ij = z_i · z_j / τ): a positive number, or an error
 *  that `who` starts. The one check of τ: the NCL options and contrastiveLoss call it too. */
export function checkTau(tau: number, who: string): void {
  if (!(tau > 0)) throw new Error(`${who}: tau must be positive, got ${tau}`);
}

/** The `inv_tau` param of every contrastive kernel: 1/τ, of a τ that checkTau accepts. */
export function invTau(tau: number): number {
  checkTau(tau, 'contrastive kernels');
  return 1 / tau;
}

/** The streaming kernels (contrastive_forward/backward.wgsl): each invocation owns tm anchor rows
 *  and streams column tiles of 4·tn4 rows; wg invocations per workgroup; shared: the column tile
 *  goes through workgroup memory. */
export interface StreamTiling {
  tm: number;
  tn4: number;
  wg: number;
  shared: boolean;
}

/** Either kernel pair: the streaming kernels or the flash-style ones (contrastive-flash.ts). */
export type ContrastiveTiling = StreamTiling | FlashTiling;

/** The tilings `ncl tune` and `ncl bench contrastive --tilings` compare; each profile's default is among them. */
export const CONTRASTIVE_CANDIDATES: readonly ContrastiveTiling[] = [
  { tm: 4, tn4: 1, wg: 64, shared: false },
  { tm: 4, tn4: 2, wg: 64, shared: false },
  { tm: 8, tn4: 1, wg: 64, shared: false },
  { tm: 8, tn4: 2, wg: 64, shared: false },
  { tm: 8, tn4: 2, wg: 32, shared: false },
  { tm: 8, tn4: 2, wg: 128, shared: false },
  { tm: 2, tn4: 4, wg: 64, shared: true },
  { tm: 4, tn4: 2, wg: 64, shared: true },
  { flash: true, rm: 4, rn: 4, ty: 16, tx: 8, dk4: 4, fill: 512 },
  { flash: true, rm: 4, rn: 4, ty: 8, tx: 8, dk4: 4, fill: 256 },
  { flash: true, rm: 4, rn: 4, ty: 16, tx: 8, dk4: 4, fill: 1 },
];

/** A tiling in a few characters: "8x8/64", "2x16/64 shared", "flash 4x4/16x8 fill 512". */
export function tilingName(t: ContrastiveTiling): string {
  if ('flash' in t) return `flash ${t.rm}x${t.rn}/${t.ty}x${t.tx} fill ${t.fill}`;
  return `${t.tm}x${4 * t.tn4}/${t.wg}${t.shared ? ' shared' : ''}`;
}

/** The streaming kernels' params: n rows, inv_tau (invTau), and the columns [col_begin, col_end)
 *  of this dispatch (a chunk within the loop budget, columnChunks). */
const STREAM_PARAMS = { n: 'u32', inv_tau: 'f32', col_begin: 'u32', col_end: 'u32' } as const;
/** lse, run_sum: between column chunks the running maximum m_i and sum l_i of each row; after the
 *  last, LSE_i. row_loss: w_i ℓ_i. */
const FORWARD = shader('contrastive_forward', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO, class_sums: 'vec4<f32>' },
  writes: { lse: 'f32', run_sum: 'f32', row_loss: 'f32' },
  params: STREAM_PARAMS,
});
/** class_sums S_c, weighted_sums W_c (classSumsKernel), lse from the forward pass, grad_out the
 *  one-element upstream gradient g; dz holds the running sum between column chunks. */
const BACKWARD = shader('contrastive_backward', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO, class_sums: 'vec4<f32>', weighted_sums: 'vec4<f32>', lse: 'f32', grad_out: 'f32' },
  writes: { dz: 'vec4<f32>' },
  params: STREAM_PARAMS,
});
/** One item per (class, part, vec4 of D): partial[c, part, k] sums `chunk` members of class c
 *  (start, members: DevicePlan's classStart and members); parts per class, d4 = D / 4. */
const CLASS_SUMS = shader('contrastive_class_sums', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO, start: 'u32', members: 'u32' },
  writes: { partial: 'vec4<f32>' },
  params: { parts: 'u32', chunk: 'u32', d4: 'u32' },
  perItem: true,
});

/** The loss over n rows of z, padded to 4·d4 columns: what the tuner times, forward and backward. */
interface ContrastiveProblem {
  n: number;
  d4: number;
}

const pow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/** A plan of n rows in classes of 8 (row i in class i mod C), every row a kept anchor. */
function syntheticPlan(n: number): { plan: DevicePlan; classes: number; largest: number } {
  const classes = Math.max(1, Math.floor(n / 8));
  const size = (c: number) => Math.floor((n - 1 - c) / classes) + 1;
  const rows = new DataView(new ArrayBuffer(16 * n));
  const classStart = new Uint32Array(classes + 1);
  const members: number[] = [];
  for (let c = 0; c < classes; c++) {
    classStart[c] = members.length;
    for (let i = c; i < n; i += classes) members.push(i);
  }
  classStart[classes] = n;
  for (let i = 0; i < n; i++) {
    rows.setInt32(16 * i, i % classes, true);
    rows.setFloat32(16 * i + 4, 1 / n, true);
    rows.setFloat32(16 * i + 8, 1 / Math.max(1, size(i % classes) - 1), true);
  }
  const plan = {
    rows: Storage.fromArray(new Uint32Array(rows.buffer), [n, 4], 'u32'),
    classStart: Storage.fromArray(classStart, [classes + 1], 'u32'),
    members: Storage.fromArray(members, [n], 'u32'),
  };
  return { plan, classes, largest: size(0) };
}

/** Defaults per profile. cpu: chosen by `ncl bench contrastive --tilings` (bench/RESULTS.md). gpu:
 *  the flash-style kernels, from their structure (bench/RESULTS.md, "The flash-style kernels"): the
 *  streaming kernels launch N/128 workgroups of 64 invocations, 32 at N = 4096 for a GPU of over a
 *  hundred compute units, while the column splits fill it at any N. Shape class: the rows rounded
 *  up to a power of two and the padded dimension; both passes share it. */
export const CONTRASTIVE_TILINGS = new VariantFamily<ContrastiveTiling, ContrastiveProblem>(
  { cpu: CONTRASTIVE_CANDIDATES[3]!, gpu: CONTRASTIVE_CANDIDATES[8]! },
  {
    name: 'contrastive',
    // Beside the kernels' own: the flash backward's sum of its splits' parts, and of its rounds.
    files: [...[FORWARD, BACKWARD, CLASS_SUMS, ...FLASH_SHADERS].map((s) => s.file), ...REDUCE_SHADERS, 'binary'],
    classify: ({ n, d4 }) => `n${pow2(n)} d${4 * d4}`,
    candidates: () => CONTRASTIVE_CANDIDATES,
    describe: ({ n, d4 }) => `${n} rows of ${4 * d4}, forward and backward`,
    trial({ n, d4 }) {
      const { plan, classes, largest } = syntheticPlan(n);
      const z = fillKernel([n, 4 * d4], 1 / Math.sqrt(4 * d4));
      const sums = classSumsKernel(z, plan, classes, largest);
      const weightedSums = classSumsKernel(z, plan, classes, largest, true);
      const grad = fillKernel([1], 1);
      return {
        run() {
          const { lse, rowLoss } = contrastiveForwardKernel(z, plan, sums, 0.1);
          for (const t of [lse, rowLoss, contrastiveBackwardKernel(z, plan, sums, weightedSums, lse, grad, 0.1)]) t.dispose();
        },
        dispose() {
          for (const t of [z, sums, weightedSums, grad, plan.rows, plan.classStart, plan.members]) t.dispose();
        },
      };
    },
  },
);

/** The tiling in force, as this adapter can run it: one whose workgroup memory does not fit (very
 *  large D) reads the column tiles directly instead (the streaming kernels without `shared`). */
function tilingFor(n: number, d4: number): ContrastiveTiling {
  const chosen = CONTRASTIVE_TILINGS.current({ n, d4 });
  const limit = runtime().limits.maxComputeWorkgroupStorageSize;
  if ('flash' in chosen) return flashWorkgroupBytes(chosen, d4) <= limit ? chosen : CONTRASTIVE_TILINGS.defaults.cpu;
  return { ...chosen, shared: chosen.shared && 16 * 4 * chosen.tn4 * d4 <= limit };
}

function specialise<I extends KernelInterface>(pass: 'forward' | 'backward', s: Shader<I>, t: StreamTiling, d4: number) {
  const name = `contrastive:${pass}[${t.tm}x${4 * t.tn4},wg${t.wg}${t.shared ? ',shared' : ''},d4=${d4}]`;
  const k = declaredKernel(s, name, {
    TM: t.tm,
    TN4: t.tn4,
    D4: d4,
    WG: t.wg,
    SHARED: t.shared,
    TILE_VEC4: t.shared ? 4 * t.tn4 * d4 : 1,
  });
  return { kernel: k, workgroups: (n: number) => Math.ceil(n / (t.tm * t.wg)) };
}

/**
 * Column chunks [begin, end) of at most as many tiles as keep one invocation within the loop
 * budget. The count is an upper bound: every loop of the kernel as written, per column tile and
 * once per dispatch, whether or not the compiler unrolls it.
 */
function columnChunks(pass: 'forward' | 'backward', t: StreamTiling, d4: number, n: number): Array<[number, number]> {
  const tn = 4 * t.tn4;
  const stage = t.shared ? Math.ceil((tn * d4) / t.wg) : 0;
  const dotProducts = d4 * (1 + t.tn4 + t.tm + t.tm * t.tn4);
  const perTile =
    pass === 'forward'
      ? 1 + stage + dotProducts + t.tn4 + t.tm * (1 + 2 * t.tn4)
      : 1 + stage + 2 * dotProducts + t.tn4 * (1 + t.tm);
  const perDispatch = pass === 'forward' ? t.tm * (2 + d4) : t.tm * (1 + d4) + 2 * t.tm * d4;
  const budget = loopBudget();
  if (budget === Infinity) return [[0, n]];
  const tiles = Math.floor((budget - perDispatch) / perTile);
  if (tiles < 1) throw new Error(`contrastive ${pass}: D = ${4 * d4} is too large for one column tile within the loop budget of CPU adapters`);
  const chunks: Array<[number, number]> = [];
  for (let begin = 0; begin < n; begin += tiles * tn) chunks.push([begin, Math.min(n, begin + tiles * tn)]);
  return chunks;
}

function streamParams(n: number, tau: number, [begin, end]: [number, number]) {
  return { n, inv_tau: invTau(tau), col_begin: begin, col_end: end };
}

/** Members per invocation of the class-sum kernel (one loop iteration each). */
const CLASS_SUM_CHUNK = 16384;

/**
 * S_c = Σ_{y_i = c} z_i, or with `weighted` W_c = Σ_{y_i = c} w_i z_i, as a [C, D4·4] tensor;
 * `largestClass` sets how many parts to sum.
 */
export function classSumsKernel(z: Storage, plan: DevicePlan, classes: number, largestClass: number, weighted = false): Storage {
  const d = z.shape[1]!;
  const parts = Math.max(1, Math.ceil(largestClass / CLASS_SUM_CHUNK));
  const partial = Storage.empty([classes, parts, d]);
  const name = `contrastive:classSums${weighted ? '[weighted]' : ''}`;
  launch({
    op: name,
    kernel: declaredKernel(CLASS_SUMS, name, { WEIGHTED: weighted, WG: 64 }),
    reads: { z, rows: plan.rows, start: plan.classStart, members: plan.members },
    writes: { partial },
    params: { parts, chunk: CLASS_SUM_CHUNK, d4: d / 4 },
    items: classes * parts * (d / 4),
  });
  if (parts === 1) {
    const sums = partial.view([classes, d]);
    partial.dispose();
    return sums;
  }
  const sums = reduceKernel('sum', partial, classes, parts, d, [classes, d]);
  partial.dispose();
  return sums;
}

/** LSE_i (kept for the backward pass) and w_i ℓ_i per row. */
export function contrastiveForwardKernel(z: Storage, plan: DevicePlan, sums: Storage, tau: number): { lse: Storage; rowLoss: Storage } {
  const [n, d] = z.shape as [number, number];
  const tiling = tilingFor(n, d / 4);
  if ('flash' in tiling) return flashForward(tiling, z, plan, sums, invTau(tau));
  const { kernel: k, workgroups } = specialise('forward', FORWARD, tiling, d / 4);
  const lse = Storage.empty([n]);
  const runningSum = Storage.empty([n]);
  const rowLoss = Storage.empty([n]);
  for (const chunk of columnChunks('forward', tiling, d / 4, n)) {
    launch({
      op: 'contrastive:forward',
      kernel: k,
      reads: { z, rows: plan.rows, class_sums: sums },
      writes: { lse, run_sum: runningSum, row_loss: rowLoss },
      params: streamParams(n, tau, chunk),
      workgroups: workgroups(n),
    });
  }
  runningSum.dispose();
  return { lse, rowLoss };
}

/** g · dL/dz for the padded z, with g the one-element upstream gradient; `sums` S_c and
 *  `weightedSums` W_c from classSumsKernel. */
export function contrastiveBackwardKernel(z: Storage, plan: DevicePlan, sums: Storage, weightedSums: Storage, lse: Storage, grad: Storage, tau: number): Storage {
  const [n, d] = z.shape as [number, number];
  const tiling = tilingFor(n, d / 4);
  if ('flash' in tiling) return flashBackward(tiling, z, plan, sums, weightedSums, lse, grad, invTau(tau));
  const { kernel: k, workgroups } = specialise('backward', BACKWARD, tiling, d / 4);
  const dz = Storage.empty(z.shape);
  for (const chunk of columnChunks('backward', tiling, d / 4, n)) {
    launch({
      op: 'contrastive:backward',
      kernel: k,
      reads: { z, rows: plan.rows, class_sums: sums, weighted_sums: weightedSums, lse, grad_out: grad },
      writes: { dz },
      params: streamParams(n, tau, chunk),
      workgroups: workgroups(n),
    });
  }
  return dz;
}
