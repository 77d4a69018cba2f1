// How far each head's patch embeddings separate tampered from authentic patches (docs/method.md
// §5, "Reading L_con"), measured over the patches of an evaluation set:
//   - the mean cosine within tampered, within authentic and across. The embeddings are unit rows,
//     so with S_k the sum of the n_k rows of kind k, the means over pairs come from sums alone:
//       within k: (|S_k|² − n_k) / (n_k (n_k − 1)),   across: S_t · S_a / (n_t n_a);
//   - L_con over a sample of the patches (contour patches left out, each kind the same total
//     weight, the fused or unfused loss as in training), next to its collapse value and minimum
//     (contrastive-bounds.ts). The sample keeps up to maxPatches/2 patches of each kind by
//     reservoir sampling with a fixed seed, so the same network and data give the same figures.
import { noGrad, tidy } from '../../autograd/scope.ts';
import { Tensor } from '../../autograd/tensor.ts';
import { Rng } from '../../common/rng.ts';
import { contrastiveLoss } from '../method/contrastive.ts';
import type { Branch, NetworkOutput } from '../method/model/network.ts';
import type { NclOptions } from '../method/options.ts';
import { inputPatchGrid } from '../method/patch-grid.ts';
import { PATCH_AUTHENTIC, PATCH_TAMPERED, patchLabels } from '../method/patch-labels.ts';
import { poolPatchEmbeddings } from '../ops/patch-pool.ts';
import { contrastiveBounds } from './contrastive-bounds.ts';

export interface HeadSeparation {
  /** Patches seen of each kind (contour patches are not counted). */
  tampered: number;
  authentic: number;
  /** Mean cosine over pairs within tampered, within authentic, and across (null: no pair). */
  cosine: { tampered: number | null; authentic: number | null; cross: number | null };
  /** L_con of the sample and its reference values (null: fewer than two patches of a kind). */
  con: number | null;
  collapse: number | null;
  minimum: number | null;
}

/** One forward pass's patches: each head's unit rows (patches × dim) and each patch's kind. */
export interface PooledPatches {
  kinds: ArrayLike<number>;
  dim: number;
  rows: Partial<Record<Branch, Float32Array>>;
}

const SAMPLE_SEED = 0x5e9a;
const KINDS = [PATCH_AUTHENTIC, PATCH_TAMPERED] as const;

/** One head's running sums per kind and its reservoir of rows per kind. */
class HeadPatches {
  readonly sums: Float64Array[];
  readonly counts = [0, 0];
  readonly reservoir: Float32Array[][] = [[], []];

  constructor(readonly dim: number) {
    this.sums = [new Float64Array(dim), new Float64Array(dim)];
  }
}

export class SeparationAccumulator {
  /** Per head, from the first batch added (which gives the embedding width). */
  private readonly patches = new Map<Branch, HeadPatches>();
  private readonly rng = Rng.fromSeed(SAMPLE_SEED);

  constructor(
    private readonly heads: readonly Branch[],
    private readonly options: NclOptions,
  ) {}

  /**
   * Adds the patches of one forward pass: its output and the B × S × S 0/1 masks at the input size.
   * Returns each head's pooled unit rows (patches × D) and the patches' kinds, for per-image measures.
   */
  async add(out: NetworkOutput, masks: Uint8Array): Promise<PooledPatches | null> {
    if (this.heads.length === 0) return null;
    const [batch, , size] = out.logits.shape as [number, number, number, number];
    const grid = inputPatchGrid(batch, out.embeddings[this.heads[0]!]!.shape[1]!, [size, size], this.options.patchSize);
    const kinds = patchLabels(masks, grid, this.options.epsilon).kind;
    const pooled = noGrad(() => tidy(() => this.heads.map((h) => poolPatchEmbeddings(out.embeddings[h]!, grid))));
    const rows = await Promise.all(pooled.map((t) => t.data()));
    for (const t of pooled) t.dispose();
    // One draw per patch, shared by the heads, so every head keeps the same patches.
    const draws = Array.from(kinds, (k) => (k === PATCH_AUTHENTIC || k === PATCH_TAMPERED ? this.rng.next() : -1));
    this.heads.forEach((h, i) => {
      const dim = pooled[i]!.shape[1]!;
      if (!this.patches.has(h)) this.patches.set(h, new HeadPatches(dim));
      this.addRows(this.patches.get(h)!, rows[i]!, kinds, draws);
    });
    return { kinds, dim: pooled[0]!.shape[1]!, rows: Object.fromEntries(this.heads.map((h, i) => [h, rows[i]!])) as Partial<Record<Branch, Float32Array>> };
  }

  private addRows(head: HeadPatches, z: Float32Array, kinds: ArrayLike<number>, draws: number[]): void {
    const dim = head.dim;
    const cap = Math.floor(this.options.maxPatches / 2);
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i]!;
      if (k !== PATCH_AUTHENTIC && k !== PATCH_TAMPERED) continue;
      const row = z.subarray(i * dim, (i + 1) * dim);
      for (let e = 0; e < dim; e++) head.sums[k]![e]! += row[e]!;
      const seen = ++head.counts[k]!;
      // Reservoir sampling: the seen-th row replaces a kept one with probability cap/seen.
      if (head.reservoir[k]!.length < cap) head.reservoir[k]!.push(Float32Array.from(row));
      else {
        const slot = Math.floor(draws[i]! * seen);
        if (slot < cap) head.reservoir[k]![slot] = Float32Array.from(row);
      }
    }
  }

  async summarise(): Promise<Partial<Record<Branch, HeadSeparation>>> {
    const result: Partial<Record<Branch, HeadSeparation>> = {};
    for (const [branch, head] of this.patches) result[branch] = await this.summariseHead(head);
    return result;
  }

  private async summariseHead(head: HeadPatches): Promise<HeadSeparation> {
    const [na, nt] = head.counts as [number, number];
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, e) => acc + v * b[e]!, 0);
    const within = (k: number, n: number) => (n >= 2 ? (dot(head.sums[k]!, head.sums[k]!) - n) / (n * (n - 1)) : null);
    const cosine = {
      tampered: within(PATCH_TAMPERED, nt),
      authentic: within(PATCH_AUTHENTIC, na),
      cross: na > 0 && nt > 0 ? dot(head.sums[PATCH_TAMPERED]!, head.sums[PATCH_AUTHENTIC]!) / (na * nt) : null,
    };
    const sample = KINDS.flatMap((k) => head.reservoir[k]!.map((row) => ({ row, k })));
    const perKind = KINDS.map((k) => head.reservoir[k]!.length);
    if (perKind.some((n) => n < 2)) return { tampered: nt, authentic: na, cosine, con: null, collapse: null, minimum: null };
    const labels = sample.map((s) => s.k);
    const weights = sample.map((s) => 1 / perKind[s.k]!);
    const z = Tensor.fromArray(Float32Array.from(sample.flatMap((s) => Array.from(s.row))), [sample.length, head.dim]);
    const loss = noGrad(() => contrastiveLoss(z, labels, { tau: this.options.tau, fused: this.options.fused, anchorWeights: weights }));
    const con = await loss.item();
    z.dispose();
    loss.dispose();
    const bounds = contrastiveBounds(labels, this.options.tau, weights)!;
    return { tampered: nt, authentic: na, cosine, con, collapse: bounds.collapse, minimum: bounds.minimum };
  }
}
