// Metrics as plain text: a summary table (the model next to the trivial baselines), per-group tables, per-image CSV.
import type { MetricsSummary, PerImageRow } from './accumulator.ts';
import { maxOf } from '../common/extent.ts';

const num = (v: number | null) => (v === null ? '—' : v.toFixed(4));

export function formatSummaries(columns: Record<string, MetricsSummary>): string {
  const names = Object.keys(columns);
  const rows: [string, (s: MetricsSummary) => string][] = [
    ['pixel F1@0.5', (s) => num(s.pixel.f1)],
    ['pixel best-threshold F1', (s) => num(s.pixel.bestF1)],
    ['boundary-band F1 (±8 px)', (s) => num(s.pixel.boundaryF1)],
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

/** A table per group column: per value, the model's main figures next to the two baselines that matter. */
export function formatGroupTable(column: string, byValue: Record<string, { model: MetricsSummary; allTampered: MetricsSummary; centrePrior: MetricsSummary; medians?: Record<string, number | null> }>): string {
  // per-image patch AUROC of each head, as the median over the group's images, where measured
  const medianKeys = [...new Set(Object.values(byValue).flatMap((s) => Object.keys(s.medians ?? {})))].filter((k) => k.startsWith('patch_auroc_'));
  const header = ['images', 'tampered', 'F1@0.5', 'best F1', 'AUC', 'boundary F1', 'image AUC', ...medianKeys.map((k) => `${k.replace('patch_auroc_', 'patch AUROC ')} (median)`), 'all-tampered F1', 'centre-prior AUC'];
  const rows = Object.entries(byValue).map(([value, s]) => [
    value,
    String(s.model.images),
    String(s.model.pixel.images),
    num(s.model.pixel.f1),
    num(s.model.pixel.bestF1),
    num(s.model.pixel.auc),
    num(s.model.pixel.boundaryF1),
    num(s.model.imageLevel.auc),
    ...medianKeys.map((k) => num(s.medians?.[k] ?? null)),
    num(s.allTampered.pixel.f1),
    num(s.centrePrior.pixel.auc),
  ]);
  const first = maxOf([column.length, ...rows.map((r) => r[0]!.length)]);
  const widths = header.map((h, i) => maxOf([h.length, ...rows.map((r) => r[i + 1]!.length)]));
  const line = (cells: string[]) => [cells[0]!.padEnd(first), ...cells.slice(1).map((c, i) => c.padStart(widths[i]!))].join('  ');
  return [`by ${column}:`, line([column, ...header]), ...rows.map(line)].join('\n');
}

/** One row per image: its name, groups, label, score, mask share, every metric and the extra
 *  measures (patch AUROC per head, …); null where an image has no value. The CSV of ncl eval
 *  --per-image and report.html's per-image table. */
export function perImageColumns(rows: PerImageRow[]): { header: string[]; values: Array<Array<string | number | null>> } {
  const groupColumns = [...new Set(rows.flatMap((r) => Object.keys(r.groups)))];
  const extraColumns = [...new Set(rows.flatMap((r) => Object.keys(r.extra)))];
  const header = ['image', ...groupColumns, 'label', 'score', 'mask_share', 'f1', 'best_f1', 'auc', 'iou', 'boundary_f1', 'accuracy', ...extraColumns];
  const values = rows.map((r) => [r.name, ...groupColumns.map((c) => r.groups[c] ?? null), r.label, r.score, r.tamperedShare, r.metrics.f1, r.metrics.bestF1, r.metrics.auc, r.metrics.iou, r.metrics.boundaryF1, r.metrics.accuracy, ...extraColumns.map((c) => r.extra[c] ?? null)]);
  return { header, values };
}

/** Per-image rows as CSV (an empty cell where a value is undefined). */
export function perImageCsv(rows: PerImageRow[]): string {
  const { header, values } = perImageColumns(rows);
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const cell = (v: string | number | null) => quote(v === null ? '' : String(v));
  return `${[header.map(quote).join(','), ...values.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}
