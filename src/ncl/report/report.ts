// report.html: one static file with warnings a reader must not miss (near-constant predictions, a
// model within noise of the all-tampered baseline or the centre prior), the held-out metrics next to the trivial
// baselines, how far each head separates tampered from authentic patches (docs/method.md §5), the
// loss terms (L_con against its collapse value and minimum), learning rate and validation scores
// per step (inline SVG), and a grid
// of image | ground truth | prediction | overlay for tampered and authentic test images with each
// image's F1 and, for the synthetic set, its manipulation (PNG data URIs).
import { dirname } from 'node:path';
import type { DatasetListing } from '../../data/dataset.ts';
import type { Mask, ProbabilityMap, RgbImage } from '../../data/image.ts';
import { encodeMaskPng, encodePng } from '../../data/image-io.ts';
import { loadSample, type LoadOptions } from '../../data/loader.ts';
import type { MetricsSummary } from '../../metrics/accumulator.ts';
import { perImageColumns } from '../../metrics/format.ts';
import { groupsOf, synthGroups } from '../../metrics/groups.ts';
import { pixelMetrics } from '../../metrics/pixel.ts';
import type { EvaluationResult } from '../evaluate.ts';
import type { HeadSeparation } from '../diagnostics/separation.ts';
import { INPUT_SCALE, predictProbability, type InferenceScale } from '../inference.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { binaryMask, overlay, probabilityImage } from '../prediction-images.ts';
import type { DamagedRecord, EvalRecord, LogRecord, StepRecord } from '../train/log.ts';
import { stepCharts } from './step-charts.ts';
import { lineChart, type Series } from './svg-chart.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';

export interface ReportSample {
  name: string;
  /** The manipulation (copy-move, splice, removal) or 'authentic', where the dataset records it. */
  kind: string | null;
  label: 0 | 1;
  image: RgbImage;
  mask: Mask;
  prediction: ProbabilityMap;
}

export interface ReportInput {
  title: string;
  /** Lines of context: data, config, wall time, adapter. */
  notes: string[];
  log: LogRecord[];
  evaluation: EvaluationResult;
  samples: ReportSample[];
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number | null) => (v === null ? '—' : v.toFixed(4));

/** The first `tampered` tampered and `authentic` authentic samples of a listing, with predictions. */
export async function collectSamples(net: NclNetwork, listing: DatasetListing, tampered: number, authentic: number, load: LoadOptions = {}, scale: InferenceScale = INPUT_SCALE): Promise<ReportSample[]> {
  const groups = await synthGroups(listing.source);
  const wanted = { 1: tampered, 0: authentic };
  const samples: ReportSample[] = [];
  for (const sample of listing.samples) {
    if (wanted[1] === 0 && wanted[0] === 0) break;
    const loaded = await loadSample(sample, load);
    if (wanted[loaded.label] === 0) continue;
    wanted[loaded.label]--;
    const name = sample.imagePath.split(/[\\/]/).at(-1)!;
    samples.push({ name, kind: (groups && groupsOf(groups, dirname(listing.source), sample.imagePath)?.kind) ?? null, label: loaded.label, image: loaded.image, mask: loaded.mask, prediction: await predictProbability(net, loaded.image, undefined, scale) });
  }
  return samples;
}

/** What a reader must not miss: predictions that barely vary, a pixel F1 less than 0.02 above
 *  marking every pixel tampered, or a pixel AUC no better than the centre prior's (a map that
 *  never looks at the image). Each warning states the actual difference. */
export function reportWarnings(e: EvaluationResult, samples: ReportSample[]): string[] {
  const warnings: string[] = [];
  let [lo, hi] = [Infinity, -Infinity];
  for (const s of samples) for (const v of s.prediction.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (hi >= lo && hi - lo < 0.05) warnings.push(`The predictions are nearly constant: every probability of the sample images lies in [${lo.toFixed(3)}, ${hi.toFixed(3)}]. The model has not learnt to localise anything.`);
  const gap = (model: number, baseline: number) => (model >= baseline ? `only ${(model - baseline).toFixed(4)} above` : `${(baseline - model).toFixed(4)} below`);
  const [f1, allTampered] = [e.model.pixel.f1, e.allTampered.pixel.f1];
  if (f1 !== null && allTampered !== null && f1 < allTampered + 0.02) {
    warnings.push(`Pixel F1 at 0.5 (${f1.toFixed(4)}) is ${gap(f1, allTampered)} that of marking every pixel tampered (${allTampered.toFixed(4)}): no better than the trivial baseline.`);
  }
  const [auc, prior] = [e.model.pixel.auc, e.centrePrior.pixel.auc];
  if (auc !== null && prior !== null && auc < prior + 0.02) {
    warnings.push(`Pixel AUC (${auc.toFixed(4)}) is ${gap(auc, prior)} that of the centre prior (${prior.toFixed(4)}), the same map for every image: the model may have learnt where the forgeries of this data sit rather than what they look like.`);
  }
  return warnings;
}

/** One warning per split whose samples failed to decode during training and were left out. */
function damagedWarnings(log: LogRecord[]): string[] {
  const damaged = log.filter((r): r is DamagedRecord => r.type === 'damaged');
  return (['train', 'val'] as const)
    .map((split) => damaged.filter((d) => d.split === split))
    .filter((list) => list.length > 0)
    .map((list) => `${list.length} ${list[0]!.split === 'train' ? 'training' : 'validation'} sample(s) failed to decode and were left out: ${list.map((d) => d.image).join(', ')}.`);
}

function trainingCharts(log: LogRecord[]): string {
  const steps = log.filter((r): r is StepRecord => r.type === 'step');
  const evals = log.filter((r): r is EvalRecord => r.type === 'eval');
  const cosine = (h: 't' | 'a', key: 'tampered' | 'authentic' | 'cross', name: string): Series => ({
    name,
    points: evals.filter((r) => r.separation?.[h]?.cosine[key] != null).map((r): [number, number] => [r.step, r.separation![h]!.cosine[key]!]),
    markers: true,
  });
  const separationCharts = (['t', 'a'] as const)
    .filter((h) => evals.some((r) => r.separation?.[h]))
    .map((h) => lineChart(`Mean cosine between validation patch embeddings of head ${h.toUpperCase()}`, [cosine(h, 'tampered', 'within tampered'), cosine(h, 'authentic', 'within authentic'), cosine(h, 'cross', 'tampered · authentic')]));
  const validation: Series[] = [
    { name: 'pixel F1 @ 0.5', points: evals.filter((r) => r.pixelF1 !== null).map((r): [number, number] => [r.step, r.pixelF1!]), markers: true },
    { name: 'pixel AUC', points: evals.filter((r) => r.pixelAUC !== null).map((r): [number, number] => [r.step, r.pixelAUC!]), markers: true },
  ].filter((s) => s.points.length > 0);
  const { losses, contrastive, bounds, learningRate } = stepCharts(steps);
  return [
    losses,
    contrastive,
    ...bounds,
    ...separationCharts,
    learningRate,
    validation.length ? lineChart('Validation during training', validation) : '<p>No validation during training (ncl train --val … --eval-every n).</p>',
  ].join('\n');
}

function metricsTable(e: EvaluationResult): string {
  const columns: Array<[string, MetricsSummary]> = [['model', e.model], ['all tampered', e.allTampered], ['all authentic', e.allAuthentic], ['centre prior', e.centrePrior]];
  const rows: Array<[string, (s: MetricsSummary) => number | null]> = [
    ['pixel F1 @ 0.5', (s) => s.pixel.f1],
    ['pixel best-threshold F1', (s) => s.pixel.bestF1],
    ['boundary-band F1 (±8 px of the edge)', (s) => s.pixel.boundaryF1],
    ['pixel AUC', (s) => s.pixel.auc],
    ['pixel IoU', (s) => s.pixel.iou],
    ['image AUC', (s) => s.imageLevel.auc],
    ['image accuracy @ 0.5', (s) => s.imageLevel.accuracy],
  ];
  const head = `<tr><th></th>${columns.map(([n]) => `<th>${n}</th>`).join('')}</tr>`;
  const body = rows.map(([label, get]) => `<tr><td>${label}</td>${columns.map(([, s]) => `<td>${num(get(s))}</td>`).join('')}</tr>`).join('');
  const m = e.model;
  return `<table>${head}${body}</table><p>${m.images} images: ${m.pixel.images} tampered (pixel metrics are their mean), ${m.authenticSkipped} authentic skipped for pixel metrics; perturbation: ${escape(e.perturbation)}.</p>`;
}

/** Per head: the mean cosines, L_con and its references, and the share of the gap closed. */
function separationTable(e: EvaluationResult): string {
  const heads = Object.entries(e.separation ?? {});
  if (heads.length === 0) return '';
  const gap = (s: HeadSeparation) => (s.con !== null && s.collapse !== null && s.minimum !== null && s.collapse > s.minimum ? (s.collapse - s.con) / (s.collapse - s.minimum) : null);
  const perImage = (h: string) => e.patchMeasures?.[h as keyof typeof e.patchMeasures];
  const body = heads
    .map(([h, s]) => `<tr><td>${h.toUpperCase()}</td>${[s.cosine.tampered, s.cosine.authentic, s.cosine.cross, s.con, s.collapse, s.minimum, gap(s), perImage(h)?.patchAurocMedian ?? null, perImage(h)?.gapClosedMedian ?? null].map((v) => `<td>${num(v)}</td>`).join('')}<td>${s.tampered} / ${s.authentic}</td></tr>`)
    .join('');
  return `<h2>Patch separation on the held-out images (docs/method.md §5)</h2><table><tr><th>head</th><th>cos within tampered</th><th>cos within authentic</th><th>cos across</th><th>L_con</th><th>collapse log(N − 1)</th><th>minimum</th><th>share of the gap closed</th><th>patch AUROC, median per image</th><th>gap closed, median per image</th><th>patches T / A</th></tr>${body}</table><p>Contour patches are left out; L_con is computed over a sample of at most maxPatches patches, each kind with the same total weight. Separated heads have a cross cosine well below both within-class cosines and an L_con near its minimum; a collapsed head has every cosine near 1 and L_con at log(N − 1). The pooled figures mix images, so one global "tampered" direction scores well on them; the per-image columns look within each tampered image: the AUROC of its tampered against its authentic patches, each scored by 1 − cosine to the image's mean authentic embedding, and the share of L_con's gap closed over its own patches (medians over the images with two patches of each kind).</p>`;
}

/** Per group column (ncl eval --groups, or a synthetic set's photo and kind): the model next to the baselines. */
function groupTables(e: EvaluationResult): string {
  const tables = Object.entries(e.perGroup ?? {}).map(([column, byValue]) => {
    const heads = [...new Set(Object.values(byValue).flatMap((s) => Object.keys(s.medians).filter((k) => k.startsWith('patch_auroc_'))))];
    const head = `<tr><th>${escape(column)}</th><th>images</th><th>tampered</th><th>F1 @ 0.5</th><th>best F1</th><th>AUC</th><th>boundary F1</th><th>image AUC</th>${heads.map((h) => `<th>${h.replace('patch_auroc_', 'patch AUROC ')} (median)</th>`).join('')}<th>all-tampered F1</th><th>centre-prior AUC</th></tr>`;
    const rows = Object.entries(byValue).map(([value, s]) => `<tr><td>${escape(value)}</td><td>${s.model.images}</td><td>${s.model.pixel.images}</td>${[s.model.pixel.f1, s.model.pixel.bestF1, s.model.pixel.auc, s.model.pixel.boundaryF1, s.model.imageLevel.auc, ...heads.map((h) => s.medians[h] ?? null), s.allTampered.pixel.f1, s.centrePrior.pixel.auc].map((v) => `<td>${num(v)}</td>`).join('')}</tr>`);
    return `<h3>By ${escape(column)}</h3><table>${head}${rows.join('')}</table>`;
  });
  return tables.length ? `<h2>Per group</h2>${tables.join('\n')}` : '';
}

/** Every scored image's measures (the CSV of ncl eval --per-image), folded away below the summaries. */
function perImageTable(e: EvaluationResult): string {
  if (e.perImage.length === 0) return '';
  const { header, values } = perImageColumns(e.perImage);
  const cell = (v: string | number | null, column: string) => `<td>${v === null ? '—' : typeof v === 'string' ? escape(v) : column === 'label' ? String(v) : v.toFixed(4)}</td>`;
  const rows = values.map((row) => `<tr>${row.map((v, i) => cell(v, header[i]!)).join('')}</tr>`).join('');
  return `<h2>Per image</h2><details><summary>${e.perImage.length} images: each one's groups, label, score, share of pixels manipulated and measures (F1 at 0.5, best F1, AUC, IoU and boundary-band F1 over its pixels; patch AUROC and gap closed of each head where it has two patches of each kind)</summary><table class="per-image"><tr>${header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>${rows}</table></details>`;
}

const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

async function sampleGrid(samples: ReportSample[]): Promise<string> {
  const rows: string[] = [];
  for (const s of samples) {
    const pngs = await Promise.all([encodePng(s.image), encodeMaskPng(s.mask), encodePng(probabilityImage(s.prediction)), encodePng(overlay(s.image, binaryMask(s.prediction)))]);
    const metrics = pixelMetrics(s.prediction.data, s.mask.data);
    const marked = (100 * (metrics.tp + metrics.fp)) / s.mask.data.length;
    const score = s.label === 1 ? `F1 ${num(metrics.f1)}` : `${marked.toFixed(1)} % marked tampered`;
    const about = `${escape(s.name)}<br>${escape(s.kind ?? (s.label === 1 ? 'tampered' : 'authentic'))}<br><span class="score">${score}</span>`;
    rows.push(`<tr class="${s.label === 1 ? 'tampered' : 'authentic'}"><td>${about}</td>${pngs.map((png) => `<td><img src="${dataUri(png)}" width="192"></td>`).join('')}</tr>`);
  }
  return `<table class="grid"><tr><th>image, manipulation, score at 0.5</th><th>image</th><th>ground truth</th><th>prediction p(tampered)</th><th>overlay (p &gt; 0.5)</th></tr>${rows.join('')}</table>`;
}

export async function writeReport(path: string, r: ReportInput): Promise<void> {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}.grid td{text-align:center}figure{margin:1em 0}figcaption{font-weight:600}.warning{background:#fff3cd;border:2px solid #d39e00;padding:.8em 1em;margin:1em 0;font-weight:600}.grid td:first-child{text-align:left;font-size:90%}tr.authentic td:first-child{color:#555}</style>
</head><body>
<h1>${escape(r.title)}</h1>
${[...reportWarnings(r.evaluation, r.samples), ...damagedWarnings(r.log)].map((w) => `<div class="warning" role="alert">⚠ ${escape(w)}</div>`).join('\n')}
<ul>${r.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>
<h2>Held-out metrics and trivial baselines</h2>
${metricsTable(r.evaluation)}
${separationTable(r.evaluation)}
${groupTables(r.evaluation)}
${perImageTable(r.evaluation)}
<h2>Training</h2>
${r.log.some((l) => l.type === 'step') ? trainingCharts(r.log) : '<p>No training log beside the checkpoint.</p>'}
<h2>Sample test images</h2>
${await sampleGrid(r.samples)}
</body></html>
`;
  writeTextAtomic(path, html);
}
