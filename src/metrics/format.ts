// A metrics summary as a plain-text table: the model next to the trivial baselines.
import type { MetricsSummary } from './accumulator.ts';
import { maxOf } from '../common/extent.ts';

const num = (v: number | null) => (v === null ? '—' : v.toFixed(4));

export function formatSummaries(columns: Record<string, MetricsSummary>): string {
  const names = Object.keys(columns);
  const rows: [string, (s: MetricsSummary) => string][] = [
    ['pixel F1@0.5', (s) => num(s.pixel.f1)],
    ['pixel best-threshold F1', (s) => num(s.pixel.bestF1)],
    ['pixel AUC', (s) => num(s.pixel.auc)],
    ['pixel IoU', (s) => num(s.pixel.iou)],
    ['pixel accuracy', (s) => num(s.pixel.accuracy)],
    ['IMDL-BenCo pixel F1', (s) => num(s.pixelBenco.f1)],
    ['IMDL-BenCo pixel AUC', (s) => num(s.pixelBenco.auc)],
    ['IMDL-BenCo pixel IoU', (s) => num(s.pixelBenco.iou)],
    ['image AUC', (s) => num(s.imageLevel.auc)],
    ['image accuracy@0.5', (s) => num(s.imageLevel.accuracy)],
    ['image F1@0.5', (s) => num(s.imageLevel.f1)],
  ];
  const width = maxOf(rows.map(([label]) => label.length));
  const col = Math.max(12, maxOf(names.map((n) => n.length)));
  const lines = [`${''.padEnd(width)}  ${names.map((n) => n.padStart(col)).join('  ')}`];
  for (const [label, get] of rows) lines.push(`${label.padEnd(width)}  ${names.map((n) => get(columns[n]!).padStart(col)).join('  ')}`);
  const first = columns[names[0]!]!;
  lines.push(
    `images ${first.images}: tampered ${first.pixel.images}, authentic skipped ${first.authenticSkipped} (default mode), pixel AUC undefined ${first.aucUndefined}; image labels: ${first.imageLevel.tampered} tampered, ${first.imageLevel.authentic} authentic`,
  );
  return lines.join('\n');
}
