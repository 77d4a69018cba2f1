// The flash-style contrastive kernels (shaders/contrastive_flash_*.wgsl), built for GPUs:
// specialisation, column splits, bindings and dispatch sizes. z arrives padded to D4·4 columns.
//
// A workgroup owns a block of anchor rows and one split of the columns; the splits run side by
// side, so a problem of a few thousand rows still fills a large GPU, and their parts are combined
// in split order (no atomics). On a CPU adapter with a loop budget (loop-budget.ts) a split is
// also short enough for one invocation's loops there.
import { Storage } from '../storage/storage.ts';
import type { KernelInterface } from '../runtime/kernel-interface.ts';
import { binaryKernel } from './elementwise.ts';
import { declaredKernel, launch, shader, type Shader } from './launch.ts';
import { loopBudget } from './loop-budget.ts';
import { reduceKernel } from './reduce.ts';
import { ROW_INFO, type DevicePlan } from './contrastive-device-plan.ts';

/** A workgroup of ty×tx invocations, each an rm×rn register block of z_i · z_j: ty·rm anchor rows
 *  per workgroup, column tiles of tx·rn rows staged in workgroup memory, the anchor rows staged dk4
 *  vec4s of D at a time. The columns are split until row blocks × splits reach `fill` workgroups
 *  (a few per compute unit of a large GPU; 1: only where the loop budget needs it). */
export interface FlashTiling {
  flash: true;
  rm: number;
  rn: number;
  ty: number;
  tx: number;
  dk4: number;
  fill: number;
}

/** n rows, inv_tau (invTau), row_blocks × splits workgroups, split_cols columns per split; part_max
 *  and part_sum [splits, n]: each split's running maximum and sum per row. */
const FORWARD = shader('contrastive_flash_forward', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO },
  writes: { part_max: 'f32', part_sum: 'f32' },
  params: { n: 'u32', inv_tau: 'f32', row_blocks: 'u32', splits: 'u32', split_cols: 'u32' },
});
/** As the forward kernel's, for the `splits` splits from first_split on (a round); class_sums S_c,
 *  weighted_sums W_c, lse from the forward pass, grad_out the one-element upstream gradient;
 *  part_dz [splits, n, D4·4]: each split's part of dz. */
const BACKWARD = shader('contrastive_flash_backward', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO, class_sums: 'vec4<f32>', weighted_sums: 'vec4<f32>', lse: 'f32', grad_out: 'f32' },
  writes: { part_dz: 'vec4<f32>' },
  params: { n: 'u32', inv_tau: 'f32', row_blocks: 'u32', splits: 'u32', split_cols: 'u32', first_split: 'u32' },
});
/** One item per row of n: the forward kernel's `splits` parts combined; d4 = D / 4. */
const FINISH = shader('contrastive_flash_finish', {
  reads: { z: 'vec4<f32>', rows: ROW_INFO, class_sums: 'vec4<f32>', part_max: 'f32', part_sum: 'f32' },
  writes: { lse: 'f32', row_loss: 'f32' },
  params: { n: 'u32', inv_tau: 'f32', splits: 'u32', d4: 'u32' },
  perItem: true,
});

/** The flash-style kernels. */
export const FLASH_SHADERS = [FORWARD, BACKWARD, FINISH] as const;

/** The backward pass's parts (splits × N × D floats) are summed in rounds of at most this size. */
const PARTS_BYTES = 16 * 2 ** 20;

/** Workgroup memory the kernels of a tiling need for d4 vec4s of D (backward, the larger). */
export function flashWorkgroupBytes(t: FlashTiling, d4: number): number {
  const bm = t.ty * t.rm;
  const ct = t.tx * t.rn + 1;
  return 16 * (d4 * ct + dk4For(t, d4) * bm) + 4 * bm * ct;
}

/** The largest divisor of d4 not above the tiling's dk4: the staged chunks then cover D exactly. */
function dk4For(t: FlashTiling, d4: number): number {
  let dk4 = Math.min(t.dk4, d4);
  while (d4 % dk4 !== 0) dk4--;
  return dk4;
}

type Pass = 'forward' | 'backward';

/**
 * Loop iterations of one invocation per column tile and per dispatch, every loop of the kernel as
 * written, whether or not the compiler unrolls it (an upper bound for the loop budget).
 */
function loopIterations(pass: Pass, t: FlashTiling, d4: number): { perTile: number; perDispatch: number } {
  const wg = t.ty * t.tx;
  const bm = t.ty * t.rm;
  const bn = t.tx * t.rn;
  const dk4 = dk4For(t, d4);
  const dv = Math.ceil(d4 / t.tx);
  const stage = Math.ceil((bn * d4) / wg);
  const products = (d4 / dk4) * (1 + Math.ceil((bm * dk4) / wg) + dk4 * (1 + t.rm + t.rn * (1 + t.rm)));
  if (pass === 'forward') return { perTile: 1 + stage + products + t.rn + t.rm * (1 + 2 * t.rn), perDispatch: 3 * t.rm + 2 * t.tx };
  return { perTile: 1 + stage + products + t.rn * (1 + t.rm) + bn * (1 + dv + t.rm * (1 + dv)), perDispatch: 2 * t.rm + t.rm * (1 + dv) };
}

interface Splits {
  rowBlocks: number;
  splits: number;
  /** Columns per split, a multiple of the column tile. */
  splitCols: number;
}

function columnSplits(pass: Pass, t: FlashTiling, d4: number, n: number): Splits {
  const bn = t.tx * t.rn;
  const rowBlocks = Math.ceil(n / (t.ty * t.rm));
  const tiles = Math.ceil(n / bn);
  const { perTile, perDispatch } = loopIterations(pass, t, d4);
  const maxTiles = Math.floor((loopBudget() - perDispatch) / perTile);
  if (maxTiles < 1) throw new Error(`contrastive ${pass}: D = ${4 * d4} is too large for one column tile within the loop budget of CPU adapters`);
  const wanted = Math.max(Math.ceil(tiles / maxTiles), Math.ceil(t.fill / rowBlocks));
  const tilesPerSplit = Math.ceil(tiles / Math.min(tiles, wanted));
  return { rowBlocks, splits: Math.ceil(tiles / tilesPerSplit), splitCols: tilesPerSplit * bn };
}

function specialise<I extends KernelInterface>(pass: Pass, s: Shader<I>, t: FlashTiling, d4: number) {
  const dk4 = dk4For(t, d4);
  const name = `contrastive:flash-${pass}[${t.rm}x${t.rn},${t.ty}x${t.tx},dk4=${dk4},d4=${d4}]`;
  return declaredKernel(s, name, { RM: t.rm, RN: t.rn, TY: t.ty, TX: t.tx, D4: d4, DK4: dk4 });
}

/** LSE_i (kept for the backward pass) and w_i ℓ_i per row: the splits' partial maxima and sums,
 *  then their combination and the row losses. inverseTau: 1/τ, the kernels' inv_tau, as invTau
 *  (contrastive.ts) gives it. */
export function flashForward(t: FlashTiling, z: Storage, plan: DevicePlan, sums: Storage, inverseTau: number): { lse: Storage; rowLoss: Storage } {
  const [n, d] = z.shape as [number, number];
  const d4 = d / 4;
  const { rowBlocks, splits, splitCols } = columnSplits('forward', t, d4, n);
  const partMax = Storage.empty([splits, n]);
  const partSum = Storage.empty([splits, n]);
  launch({
    op: 'contrastive:flash-forward',
    kernel: specialise('forward', FORWARD, t, d4),
    reads: { z, rows: plan.rows },
    writes: { part_max: partMax, part_sum: partSum },
    params: { n, inv_tau: inverseTau, row_blocks: rowBlocks, splits, split_cols: splitCols },
    workgroups: rowBlocks * splits,
  });
  const lse = Storage.empty([n]);
  const rowLoss = Storage.empty([n]);
  launch({
    op: 'contrastive:flash-finish',
    kernel: declaredKernel(FINISH, 'contrastive:flash-finish', { WG: 64 }),
    reads: { z, rows: plan.rows, class_sums: sums, part_max: partMax, part_sum: partSum },
    writes: { lse, row_loss: rowLoss },
    params: { n, inv_tau: inverseTau, splits, d4 },
    items: n,
  });
  partMax.dispose();
  partSum.dispose();
  return { lse, rowLoss };
}

/** g · dL/dz for the padded z: each split's part, summed in split order, in rounds whose parts
 *  fit PARTS_BYTES (each round's sum added to the total in round order). inverseTau as for
 *  flashForward. */
export function flashBackward(t: FlashTiling, z: Storage, plan: DevicePlan, sums: Storage, weightedSums: Storage, lse: Storage, grad: Storage, inverseTau: number): Storage {
  const [n, d] = z.shape as [number, number];
  const d4 = d / 4;
  const { rowBlocks, splits, splitCols } = columnSplits('backward', t, d4, n);
  const perRound = Math.max(1, Math.floor(PARTS_BYTES / (4 * n * d)));
  const k = specialise('backward', BACKWARD, t, d4);
  let total: Storage | null = null;
  for (let first = 0; first < splits; first += perRound) {
    const count = Math.min(perRound, splits - first);
    const parts = Storage.empty([count, n, d]);
    launch({
      op: 'contrastive:flash-backward',
      kernel: k,
      reads: { z, rows: plan.rows, class_sums: sums, weighted_sums: weightedSums, lse, grad_out: grad },
      writes: { part_dz: parts },
      params: { n, inv_tau: inverseTau, row_blocks: rowBlocks, splits: count, split_cols: splitCols, first_split: first },
      workgroups: rowBlocks * count,
    });
    const round = count === 1 ? parts.view([n, d]) : reduceKernel('sum', parts, 1, count, n * d, [n, d]);
    parts.dispose();
    if (total) {
      const sum = binaryKernel('add', total, round);
      total.dispose();
      round.dispose();
      total = sum;
    } else total = round;
  }
  return total!;
}
