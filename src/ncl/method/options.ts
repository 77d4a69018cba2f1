// The method's options (docs/method.md §3–§5), each with the equation it sets. "Paper" marks what
// the paper's abstract and the authors' demo establish; "ours" marks our reading of what they name
// but do not define (the method page explains why the two are kept apart).
import { checkTau } from '../ops/tau.ts';
import { EMBEDDING_STRIDE } from './model/config.ts';
import { ROLE_SWITCHES, type RoleSwitch } from './roles.ts';

/**
 * How each patch kind gets an equal say in a contrastive term (§3, ours):
 * - `weight`: the sampled anchors are weighted a_i = 1/(sampled patches of i's kind), so tampered,
 *   authentic and contour anchors each carry the same total weight at any batch size;
 * - `sample`: the same number of patches of each kind is sampled (as many as the scarcest kind
 *   present has, within the budget), all weighing the same.
 */
export type AnchorBalance = 'weight' | 'sample';

export const ANCHOR_BALANCES: readonly AnchorBalance[] = ['weight', 'sample'];

/**
 * Which sampled patches L_pc holds together (§5, ours):
 * - `non-contour`: tampered and authentic patches, where both heads agree on the label; contour
 *   patches, whose roles differ between the heads, are left free;
 * - `all`: every sampled patch (minimised by two identical heads).
 */
export type PivotConsistency = 'non-contour' | 'all';

export const PIVOT_CONSISTENCIES: readonly PivotConsistency[] = ['non-contour', 'all'];

/**
 * What L_pc holds each head's patch embedding to (§5, ours):
 * - `other-head`: the other head's embedding of the same patch, 1 − z_i^(T) · z_i^(A) (5.7);
 * - `pivot`: a stop-gradient projection of the pivot's own patch feature, q_i = unit(R f̄_i) with R
 *   a fixed random matrix (5.7b), for each head: the heads may differ from each other, not from
 *   what the pivot sees.
 */
export type ConsistencyTarget = 'other-head' | 'pivot';

export const CONSISTENCY_TARGETS: readonly ConsistencyTarget[] = ['other-head', 'pivot'];

export interface NclOptions {
  /** Which contrastive terms a step has, and what contour patches are in each (§4, ours: dual; the modes: roles.ts). */
  roleSwitch: RoleSwitch;
  /** Steps between exchanges of the contour roles in `switch` mode (§4, ours: 1). */
  switchEvery: number;
  /** How patch kinds are balanced in the contrastive terms (§3, ours: weight). */
  anchorBalance: AnchorBalance;
  /** Which patches L_pc constrains (§5, ours: non-contour). */
  pivotConsistency: PivotConsistency;
  /** What L_pc holds each head to (§5, ours: other-head). */
  consistencyTarget: ConsistencyTarget;
  /** λ_con in L = L_seg + λ_con · mean_b L_con^b + λ_pc · L_pc (§5, ours: default 1, chosen on the
   *  validation split: bench/RESULTS.md, "Choosing τ and λ_con"). */
  lambdaCon: number;
  /** λ_pc, weight of L_pc = mean_i (1 − z_i^(T) · z_i^(A)) (§5, ours: default 0.1; two-head modes). */
  lambdaPc: number;
  /** λ_ct, weight of the auxiliary contour loss L_ct (§5, eq. 5.9b, ours after CaCL-Net; default 0:
   *  off, and the network has no contour head). */
  lambdaContour: number;
  /** τ in s_ij = z_i · z_j / τ (§5, ours: default 0.5; at 0.1 the heads collapsed, bench/RESULTS.md). */
  tau: number;
  /** Side p of a patch in input pixels (§3, ours: 16 px = a 4×4 cell of the stride-4 pivot). */
  patchSize: number;
  /** ε of the patch labels: authentic if r ≤ ε, tampered if r ≥ 1 − ε, contour otherwise (§3; 0). */
  epsilon: number;
  /** At most this many patches per batch enter the contrastive loss (§3, ours: 2048). */
  maxPatches: number;
  /** The fused contrastive kernel (§6) or the unfused reference composition. */
  fused: boolean;
  /**
   * Weight w of tampered pixels in L_seg = Σ_pixels w_y · CE / Σ_pixels w_y (authentic pixels
   * weigh 1). Paper: plain cross-entropy, w = 1 (the default). Ours, optional: w > 1 offsets the
   * rarity of tampered pixels, which otherwise keeps probabilities under the 0.5 threshold.
   */
  segTamperedWeight: number;
}

export const DEFAULT_NCL_OPTIONS: NclOptions = {
  roleSwitch: 'dual',
  switchEvery: 1,
  anchorBalance: 'weight',
  pivotConsistency: 'non-contour',
  consistencyTarget: 'other-head',
  lambdaCon: 1,
  lambdaPc: 0.1,
  lambdaContour: 0,
  tau: 0.5,
  patchSize: 16,
  epsilon: 0,
  maxPatches: 2048,
  fused: true,
  segTamperedWeight: 1,
};

export function checkNclOptions(o: NclOptions): void {
  const fail = (why: string): never => {
    throw new Error(`NCL option ${why}`);
  };
  if (!ROLE_SWITCHES.includes(o.roleSwitch)) fail(`roleSwitch must be one of ${ROLE_SWITCHES.join(', ')}, got '${o.roleSwitch}'`);
  if (!Number.isInteger(o.switchEvery) || o.switchEvery < 1) fail(`switchEvery must be an integer ≥ 1, got ${o.switchEvery}`);
  if (!ANCHOR_BALANCES.includes(o.anchorBalance)) fail(`anchorBalance must be one of ${ANCHOR_BALANCES.join(', ')}, got '${o.anchorBalance}'`);
  if (!PIVOT_CONSISTENCIES.includes(o.pivotConsistency)) fail(`pivotConsistency must be one of ${PIVOT_CONSISTENCIES.join(', ')}, got '${o.pivotConsistency}'`);
  if (!CONSISTENCY_TARGETS.includes(o.consistencyTarget)) fail(`consistencyTarget must be one of ${CONSISTENCY_TARGETS.join(', ')}, got '${o.consistencyTarget}'`);
  if (!(o.lambdaCon >= 0)) fail(`lambdaCon must be ≥ 0, got ${o.lambdaCon}`);
  if (!(o.lambdaPc >= 0)) fail(`lambdaPc must be ≥ 0, got ${o.lambdaPc}`);
  if (!(o.lambdaContour >= 0)) fail(`lambdaContour must be ≥ 0, got ${o.lambdaContour}`);
  checkTau(o.tau, 'NCL option');
  if (!Number.isInteger(o.patchSize) || o.patchSize < EMBEDDING_STRIDE || o.patchSize % EMBEDDING_STRIDE !== 0) fail(`patchSize must be a multiple of ${EMBEDDING_STRIDE} pixels (the pivot's stride), got ${o.patchSize}`);
  if (!(o.epsilon >= 0 && o.epsilon < 0.5)) fail(`epsilon must be in [0, 0.5), got ${o.epsilon}`);
  if (!Number.isInteger(o.maxPatches) || o.maxPatches < 2) fail(`maxPatches must be an integer ≥ 2, got ${o.maxPatches}`);
  if (!(o.segTamperedWeight > 0)) fail(`segTamperedWeight must be > 0, got ${o.segTamperedWeight}`);
}
