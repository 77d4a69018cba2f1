// The fused contrastive kernels (shaders/contrastive_*.wgsl): specialisation per adapter profile,
// bindings and dispatch sizes. z arrives padded to D4·4 columns (a multiple of 4).
import { Tensor } from '../autograd/tensor.ts';
import { runtime } from '../runtime/context.ts';
import type { KernelProfile } from '../runtime/runtime.ts';
import { kernel, launch } from './launch.ts';
import { uniforms } from './uniforms.ts';

/** Who counts and how much, per row, on the device (built by src/ncl/contrastive-plan.ts). */
export interface DevicePlan {
  /** Per row: class index (i32, −1 = ignored), weight w_i, 1/|P_i|, unused — the WGSL struct RowInfo. */
  readonly rows: Tensor;
  /** Members of class c are members[classStart[c] .. classStart[c + 1]), increasing (u32). */
  readonly classStart: Tensor;
  readonly members: Tensor;
}

/** Each invocation owns tm anchor rows and streams column tiles of 4·tn4 rows; wg invocations
 *  per workgroup; shared: the column tile goes through workgroup memory. */
export interface ContrastiveTiling {
  tm: number;
  tn4: number;
  wg: number;
  shared: boolean;
}

/** Defaults per profile, chosen by `ncl bench contrastive --tilings` (bench/RESULTS.md). */
export const CONTRASTIVE_TILINGS: Record<KernelProfile, ContrastiveTiling> = {
  cpu: { tm: 8, tn4: 2, wg: 64, shared: false },
  gpu: { tm: 2, tn4: 4, wg: 64, shared: true },
};

let override: ContrastiveTiling | null = null;

/** Forces a tiling (benchmarks compare them); null restores the profile's default. */
export function setContrastiveTiling(t: ContrastiveTiling | null): void {
  override = t;
}

export function contrastiveTiling(): ContrastiveTiling {
  return override ?? CONTRASTIVE_TILINGS[runtime().profile];
}

function specialise(pass: 'forward' | 'backward', d4: number) {
  const chosen = contrastiveTiling();
  // A column tile too large for workgroup memory (very large D) is read directly instead.
  const fits = 16 * 4 * chosen.tn4 * d4 <= runtime().limits.maxComputeWorkgroupStorageSize;
  const t = { ...chosen, shared: chosen.shared && fits };
  const name = `contrastive:${pass}[${t.tm}x${4 * t.tn4},wg${t.wg}${t.shared ? ',shared' : ''},d4=${d4}]`;
  const k = kernel(name, `contrastive_${pass}`, {
    TM: t.tm,
    TN4: t.tn4,
    D4: d4,
    WG: t.wg,
    SHARED: t.shared,
    TILE_VEC4: t.shared ? 4 * t.tn4 * d4 : 1,
  });
  return { kernel: k, workgroups: (n: number) => Math.ceil(n / (t.tm * t.wg)) };
}

function params(n: number, tau: number): ArrayBuffer {
  return uniforms().u32(n).f32(1 / tau).finish();
}

/** S_c = Σ_{y_i = c} z_i, as a [C, D4·4] tensor. */
export function classSumsKernel(z: Tensor, plan: DevicePlan, classes: number): Tensor {
  const d4 = z.shape[1]! / 4;
  const out = Tensor.empty([classes, 4 * d4]);
  launch({
    op: 'contrastive:classSums',
    kernel: kernel('contrastive:classSums', 'contrastive_class_sums'),
    reads: [z, plan.classStart, plan.members],
    writes: [out],
    uniforms: uniforms().u32(classes, d4).finish(),
    workgroups: Math.ceil((classes * d4) / 64),
  });
  return out;
}

/** LSE_i (kept for the backward pass) and w_i ℓ_i per row. */
export function contrastiveForwardKernel(z: Tensor, plan: DevicePlan, sums: Tensor, tau: number): { lse: Tensor; rowLoss: Tensor } {
  const n = z.shape[0]!;
  const { kernel: k, workgroups } = specialise('forward', z.shape[1]! / 4);
  const lse = Tensor.empty([n]);
  const rowLoss = Tensor.empty([n]);
  launch({ op: 'contrastive:forward', kernel: k, reads: [z, plan.rows, sums], writes: [lse, rowLoss], uniforms: params(n, tau), workgroups: workgroups(n) });
  return { lse, rowLoss };
}

/** g · dL/dz for the padded z, with g the one-element upstream gradient. */
export function contrastiveBackwardKernel(z: Tensor, plan: DevicePlan, sums: Tensor, lse: Tensor, grad: Tensor, tau: number): Tensor {
  const n = z.shape[0]!;
  const { kernel: k, workgroups } = specialise('backward', z.shape[1]! / 4);
  const dz = Tensor.empty(z.shape);
  launch({ op: 'contrastive:backward', kernel: k, reads: [z, plan.rows, sums, lse, grad], writes: [dz], uniforms: params(n, tau), workgroups: workgroups(n) });
  return dz;
}
