// report.html: one static file with the run's loss curves per term (inline SVG), the held-out
// metrics next to the trivial baselines, and a grid of image | ground truth | prediction | overlay
// for sample test images (PNG data URIs).
import { writeFile } from 'node:fs/promises';
import type { DatasetListing } from '../../data/dataset.ts';
import type { Mask, ProbabilityMap, RgbImage } from '../../data/image.ts';
import { encodeMaskPng, encodePng } from '../../data/image-io.ts';
import { loadSample, type LoadOptions } from '../../data/loader.ts';
import type { MetricsSummary } from '../../metrics/accumulator.ts';
import type { EvaluationResult } from '../evaluate.ts';
import { predictProbability } from '../inference.ts';
import type { NclNetwork } from '../model/network.ts';
import { binaryMask, overlay, probabilityImage } from '../prediction-images.ts';
import type { LogRecord, StepRecord } from '../train/log.ts';
import { lineChart, type Series } from './svg-chart.ts';

export interface ReportSample {
  name: string;
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

/** The first `count` tampered samples of a listing with the network's predictions. */
export async function collectSamples(net: NclNetwork, listing: DatasetListing, count: number, load: LoadOptions = {}): Promise<ReportSample[]> {
  const samples: ReportSample[] = [];
  for (const sample of listing.samples) {
    if (samples.length >= count) break;
    const loaded = await loadSample(sample, load);
    if (loaded.label !== 1) continue;
    const name = sample.imagePath.split(/[\\/]/).at(-1)!;
    samples.push({ name, image: loaded.image, mask: loaded.mask, prediction: await predictProbability(net, loaded.image) });
  }
  return samples;
}

function lossCharts(log: LogRecord[]): string {
  const steps = log.filter((r): r is StepRecord => r.type === 'step');
  const series = (key: keyof StepRecord, name: string): Series => ({ name, points: steps.filter((r) => r[key] !== undefined).map((r) => [r.step, r[key] as number]) });
  const contrastive = [series('con_t', 'L_con (T)'), series('con_a', 'L_con (A)'), series('pc', 'L_pc')].filter((s) => s.points.length > 0);
  return [lineChart('Total loss L and segmentation loss L_seg per step', [series('loss', 'L'), series('seg', 'L_seg')]), contrastive.length ? lineChart('Contrastive and pivot-consistent terms per step', contrastive) : ''].join('\n');
}

function metricsTable(e: EvaluationResult): string {
  const columns: Array<[string, MetricsSummary]> = [['model', e.model], ['all tampered', e.allTampered], ['all authentic', e.allAuthentic]];
  const rows: Array<[string, (s: MetricsSummary) => number | null]> = [
    ['pixel F1 @ 0.5', (s) => s.pixel.f1],
    ['pixel best-threshold F1', (s) => s.pixel.bestF1],
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

const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

async function sampleGrid(samples: ReportSample[]): Promise<string> {
  const rows: string[] = [];
  for (const s of samples) {
    const pngs = await Promise.all([encodePng(s.image), encodeMaskPng(s.mask), encodePng(probabilityImage(s.prediction)), encodePng(overlay(s.image, binaryMask(s.prediction)))]);
    rows.push(`<tr><td>${escape(s.name)}</td>${pngs.map((png) => `<td><img src="${dataUri(png)}" width="192"></td>`).join('')}</tr>`);
  }
  return `<table class="grid"><tr><th></th><th>image</th><th>ground truth</th><th>prediction p(tampered)</th><th>overlay (p &gt; 0.5)</th></tr>${rows.join('')}</table>`;
}

export async function writeReport(path: string, r: ReportInput): Promise<void> {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}.grid td{text-align:center}figure{margin:1em 0}figcaption{font-weight:600}</style>
</head><body>
<h1>${escape(r.title)}</h1>
<ul>${r.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>
<h2>Held-out metrics and trivial baselines</h2>
${metricsTable(r.evaluation)}
<h2>Training losses</h2>
${lossCharts(r.log)}
<h2>Sample test images</h2>
${await sampleGrid(r.samples)}
</body></html>
`;
  await writeFile(path, html);
}
