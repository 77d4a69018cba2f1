// Scoring a network on a dataset with the metrics and trivial baselines of docs/data.md, optionally
// under each robustness perturbation (JPEG, blur, noise; docs/method.md §7), and, given the run's
// NCL options, how far each projection head separates tampered from authentic patches (§5).
import { relative } from 'node:path';
import { listingRoot, type DatasetListing } from '../data/dataset.ts';
import { SampleLoader, type LoadOptions } from '../data/loader.ts';
import { Rng } from '../common/rng.ts';
import type { MetricsSummary } from '../metrics/accumulator.ts';
import { EvaluationWithBaselines, type SummaryWithBaselines } from '../metrics/baselines.ts';
import type { PerImageRow } from '../metrics/accumulator.ts';
import { groupsOf, tableColumns, type GroupTable } from '../metrics/groups.ts';
import { describePerturbation, perturb, type Perturbation } from '../metrics/robustness.ts';
import { describeScale, INPUT_SCALE, predictAtInputSize, predictProbability, type InferenceScale } from './inference.ts';
import type { Branch, NclNetwork, NetworkOutput } from './method/model/network.ts';
import type { NclOptions } from './method/options.ts';
import { SeparationAccumulator, type HeadSeparation } from './diagnostics/separation.ts';
import { resizeMask } from './preprocess.ts';
import { headImageMeasures, median, type HeadImageMeasures } from './patch-measures.ts';

const NOISE_SEED = 0x7e57;

export interface EvaluationResult extends SummaryWithBaselines {
  perturbation: string;
  /** The scale the images were run at, in words (inference.ts). */
  scale: string;
  /** Samples that could not be read (with skipUnreadable), with the reason. */
  skipped: Array<{ image: string; reason: string }>;
  /** Samples whose listed label contradicts their mask, each named with its list line. */
  contradictions: string[];
  /** One row per scored image, in listing order (named relative to the dataset's folder). */
  perImage: PerImageRow[];
  /** With `groups`: per group column, per value, the model and the baselines on those images. */
  perGroup?: Record<string, Record<string, GroupSummary>>;
  /** Per projection head (when asked for and the network has heads). */
  separation?: Partial<Record<Branch, HeadSeparation>>;
  /** Per projection head, its per-image measures (patch-measures.ts) summarised over the images. */
  patchMeasures?: Partial<Record<Branch, PatchMeasureSummary>>;
}

export interface PatchMeasureSummary {
  /** Median over the images that have the measure (tampered images with two patches of each kind). */
  patchAurocMedian: number | null;
  gapClosedMedian: number | null;
  images: number;
}

function patchMeasureSummary(perHead: Partial<Record<Branch, HeadImageMeasures[]>>): Partial<Record<Branch, PatchMeasureSummary>> {
  return Object.fromEntries(
    Object.entries(perHead).map(([head, list]) => [head, { patchAurocMedian: median(list.map((m) => m.patchAuroc)), gapClosedMedian: median(list.map((m) => m.gapClosed)), images: list.filter((m) => m.patchAuroc !== null).length }]),
  );
}

export interface EvaluateOptions {
  load?: LoadOptions;
  perturbation?: Perturbation;
  /** Evaluate at most this many samples (the first ones of the listing). */
  limit?: number;
  onImage?: (done: number, total: number) => void;
  /** The run's NCL options: measure each head's patch separation with its patch size, ε, τ. */
  separation?: NclOptions;
  /** The scale the images are run at (inference.ts; default: the model's input size). The heads'
   *  patch measures are taken at the input size whatever the scale. */
  scale?: InferenceScale;
  /** Groups of the images (metrics/groups.ts) and the columns to tabulate (default: tableColumns's). */
  groups?: { table: GroupTable; columns?: string[] };
}

export async function evaluate(net: NclNetwork, listing: DatasetListing, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const loader = new SampleLoader(options.load);
  const evaluation = new EvaluationWithBaselines();
  const perturbation = options.perturbation ?? { kind: 'none' };
  const samples = listing.samples.slice(0, options.limit ?? listing.samples.length);
  const separation = options.separation && net.branches.length > 0 ? new SeparationAccumulator(net.branches, options.separation) : null;
  const root = listingRoot(listing);
  const perImageHeads: Partial<Record<Branch, HeadImageMeasures[]>> = {};
  for (const [i, sample] of samples.entries()) {
    const loaded = await loader.load(sample);
    if (loaded) {
      // Noise perturbations draw from a stream fixed per image, so every evaluation sees the same noise.
      const image = await perturb(loaded.image, perturbation, Rng.fromSeed(NOISE_SEED, i));
      let extra: Record<string, number | null> = {};
      const inspect = separation
        ? async (out: NetworkOutput) => {
            const patches = await separation.add(out, resizeMask(loaded.mask, net.config.inputSize).data);
            if (!patches) return;
            const measures = await headImageMeasures(patches, options.separation!);
            for (const [head, m] of Object.entries(measures)) {
              extra = { ...extra, [`patch_auroc_${head}`]: m.patchAuroc, [`gap_closed_${head}`]: m.gapClosed };
              (perImageHeads[head as Branch] ??= []).push(m);
            }
          }
        : undefined;
      const groups = options.groups ? (groupsOf(options.groups.table, root, sample.imagePath) ?? {}) : {};
      const scale = options.scale ?? INPUT_SCALE;
      if (inspect && scale.kind !== 'input') await predictAtInputSize(net, image, inspect);
      const prediction = await predictProbability(net, image, scale.kind === 'input' ? inspect : undefined, scale);
      evaluation.add({ prediction, mask: loaded.mask, label: loaded.label, name: relative(root, sample.imagePath), groups, extra });
    }
    options.onImage?.(i + 1, samples.length);
  }
  return {
    ...evaluation.summarise(),
    perturbation: describePerturbation(perturbation),
    scale: describeScale(options.scale ?? INPUT_SCALE, net.config.inputSize),
    skipped: loader.skipped.map((s) => ({ image: s.sample.imagePath, reason: s.reason })),
    perImage: evaluation.model.perImage(),
    ...(options.groups ? { perGroup: groupSummaries(evaluation, tableColumns(options.groups.table, options.groups.columns)) } : {}),
    contradictions: loader.contradictions,
    ...(separation ? { separation: await separation.summarise(), patchMeasures: patchMeasureSummary(perImageHeads) } : {}),
  };
}

/** A group's summaries, with the median of each per-image measure of its rows (e.g. patch_auroc_t). */
export interface GroupSummary extends SummaryWithBaselines {
  medians: Record<string, number | null>;
}

/** Per column, per value seen: the model's and the baselines' summaries over those images. */
function groupSummaries(e: EvaluationWithBaselines, columns: string[]): Record<string, Record<string, GroupSummary>> {
  const out: Record<string, Record<string, GroupSummary>> = {};
  const rows = e.model.perImage();
  for (const column of columns) {
    const values = [...new Set(rows.map((r) => r.groups[column]).filter((v): v is string => v !== undefined))].sort();
    const medians = (v: string) => {
      const inGroup = rows.filter((r) => r.groups[column] === v);
      const keys = [...new Set(inGroup.flatMap((r) => Object.keys(r.extra)))];
      return Object.fromEntries(keys.map((k) => [k, median(inGroup.map((r) => r.extra[k] ?? null))]));
    };
    out[column] = Object.fromEntries(values.map((v) => [v, { model: e.model.summariseWhere(column, v), allTampered: e.baselines.allTampered.summariseWhere(column, v), allAuthentic: e.baselines.allAuthentic.summariseWhere(column, v), centrePrior: e.baselines.centrePrior.summariseWhere(column, v), medians: medians(v) }]));
  }
  return out;
}

/** The flat object of `ncl eval --json` and metrics.json. */
export interface EvalJson {
  perturbation: string;
  scale: string;
  images: number;
  tampered: number;
  authenticSkipped: number;
  pixelF1: number | null;
  pixelF1Best: number | null;
  /** F1 within ±8 px of the mask's edge (src/metrics/boundary.ts). */
  pixelBoundaryF1: number | null;
  pixelAUC: number | null;
  pixelIoU: number | null;
  imageAUC: number | null;
  imageAcc: number | null;
  baselineAllTamperedF1: number | null;
  baselineAllTamperedAUC: number | null;
  baselineAllAuthenticF1: number | null;
  baselineCentrePriorF1: number | null;
  baselineCentrePriorF1Best: number | null;
  baselineCentrePriorAUC: number | null;
  unreadable: number;
  /** Patch separation per head (docs/method.md §5), when measured. */
  separation?: Partial<Record<Branch, HeadSeparation>>;
  /** Per head: median per-image patch AUROC and share of L_con's gap closed (patch-measures.ts). */
  patchMeasures?: Partial<Record<Branch, PatchMeasureSummary>>;
}

export function evalJson(r: EvaluationResult): EvalJson {
  const m: MetricsSummary = r.model;
  return {
    perturbation: r.perturbation,
    scale: r.scale,
    images: m.images,
    tampered: m.pixel.images,
    authenticSkipped: m.authenticSkipped,
    pixelF1: m.pixel.f1,
    pixelF1Best: m.pixel.bestF1,
    pixelBoundaryF1: m.pixel.boundaryF1,
    pixelAUC: m.pixel.auc,
    pixelIoU: m.pixel.iou,
    imageAUC: m.imageLevel.auc,
    imageAcc: m.imageLevel.accuracy,
    baselineAllTamperedF1: r.allTampered.pixel.f1,
    baselineAllTamperedAUC: r.allTampered.pixel.auc,
    baselineAllAuthenticF1: r.allAuthentic.pixel.f1,
    baselineCentrePriorF1: r.centrePrior.pixel.f1,
    baselineCentrePriorF1Best: r.centrePrior.pixel.bestF1,
    baselineCentrePriorAUC: r.centrePrior.pixel.auc,
    unreadable: r.skipped.length,
    ...(r.separation ? { separation: r.separation } : {}),
    ...(r.patchMeasures ? { patchMeasures: r.patchMeasures } : {}),
  };
}

/** "head t: cos T 0.91 A 0.88 T·A 0.42, L_con 3.10 (collapse 6.24, min 2.90)", heads joined by "; ". */
export function formatSeparation(separation: Partial<Record<Branch, HeadSeparation>>): string {
  const f = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  return Object.entries(separation)
    .map(([head, s]) => `head ${head}: cos T ${f(s.cosine.tampered)} A ${f(s.cosine.authentic)} T·A ${f(s.cosine.cross)}, L_con ${f(s.con)} (collapse ${f(s.collapse)}, min ${f(s.minimum)})`)
    .join('; ');
}

/** perGroup of `ncl eval --json`: per column, per value, the model's figures and the baselines' that matter. */
export function groupJson(perGroup: Record<string, Record<string, GroupSummary>>): Record<string, Record<string, Record<string, number | null>>> {
  const flat = (s: GroupSummary) => ({
    ...s.medians,
    images: s.model.images,
    tampered: s.model.pixel.images,
    pixelF1: s.model.pixel.f1,
    pixelF1Best: s.model.pixel.bestF1,
    pixelBoundaryF1: s.model.pixel.boundaryF1,
    pixelAUC: s.model.pixel.auc,
    imageAUC: s.model.imageLevel.auc,
    baselineAllTamperedF1: s.allTampered.pixel.f1,
    baselineCentrePriorF1Best: s.centrePrior.pixel.bestF1,
    baselineCentrePriorAUC: s.centrePrior.pixel.auc,
  });
  return Object.fromEntries(Object.entries(perGroup).map(([column, byValue]) => [column, Object.fromEntries(Object.entries(byValue).map(([v, s]) => [v, flat(s)]))]));
}
