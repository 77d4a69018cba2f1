// `ncl data check <path>`: validates a dataset and prints what it holds and every problem found.
import type { Command } from 'commander';
import { checkDataset, hasFatalProblem, type CheckReport } from '../../data/check.ts';
import { openDataset } from '../../data/dataset.ts';
import { addMaskOptions, loadOptionsFromCli, type MaskCliOptions } from '../../data/mask-options.ts';
import type { MetricsSummary } from '../../metrics/accumulator.ts';
import { formatSummaries } from '../../metrics/format.ts';
import { scorePredictions } from '../../metrics/score-predictions.ts';
import { progressLines } from '../progress-lines.ts';

function formatReport(r: CheckReport): string {
  const lines = [`dataset ${r.source} (${r.layout ?? 'unrecognised'})`];
  lines.push(`samples ${r.samples}, readable ${r.readable}, tampered ${r.tampered}, authentic ${r.authentic}`);
  const sizes = Object.entries(r.sizes).sort((a, b) => b[1] - a[1]);
  if (sizes.length > 0) {
    const shown = sizes.slice(0, 8).map(([s, n]) => `${s} ×${n}`).join(', ');
    lines.push(`image sizes (${sizes.length} distinct): ${shown}${sizes.length > 8 ? ', …' : ''}`);
  }
  if (r.tamperedArea) {
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    lines.push(`tampered area: mean ${pct(r.tamperedArea.mean)}, min ${pct(r.tamperedArea.min)}, max ${pct(r.tamperedArea.max)}`);
  }
  const fatal = r.problems.filter((p) => p.fatal).length;
  lines.push(`problems: ${fatal} fatal, ${r.problems.length - fatal} warnings`);
  for (const p of r.problems) lines.push(`  ${p.fatal ? 'error' : 'warning'}: ${p.file}: ${p.message}`);
  return lines.join('\n');
}

export function registerData(program: Command): void {
  const data = program.command('data').description('inspect image manipulation datasets');
  const check = data
    .command('check <path>')
    .description('check a dataset (Tp/+Gt/ folder, JSON list or text list): counts, sizes, tampered area, problems; exit 1 on a fatal problem')
    .option('--json', 'print the report as JSON');
  addMaskOptions(check).action(async (path: string, opts: MaskCliOptions & { json?: boolean }) => {
    const load = loadOptionsFromCli(opts);
    const report = await checkDataset(path, {
      ...(load.mask ? { mask: load.mask } : {}),
      allowResize: load.onSizeMismatch === 'resize',
      onProgress: progressLines('decoding', path),
    });
    process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
    if (hasFatalProblem(report)) process.exitCode = 1;
  });

  const score = data
    .command('score <path>')
    .description('score saved prediction maps (grey PNGs named like the images, 255 = manipulated) against a dataset, next to the trivial baselines; without --predictions, the baselines alone')
    .option('--predictions <dir>', 'folder of prediction maps')
    .option('--skip-unreadable', 'skip samples whose files are missing or corrupt, and report how many')
    .option('--json', 'print the summaries as JSON');
  addMaskOptions(score).action(async (path: string, opts: MaskCliOptions & { predictions?: string; skipUnreadable?: boolean; json?: boolean }) => {
    const listing = await openDataset(path);
    for (const w of listing.warnings) process.stderr.write(`warning: ${w}\n`);
    const result = await scorePredictions(listing, opts.predictions ?? null, { ...loadOptionsFromCli(opts), skipUnreadable: opts.skipUnreadable ?? false });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const columns: Record<string, MetricsSummary> = {};
    if (result.model) columns.model = result.model;
    columns['all-tampered'] = result.allTampered;
    columns['all-authentic'] = result.allAuthentic;
    columns['centre-prior'] = result.centrePrior;
    process.stdout.write(`${formatSummaries(columns)}\n`);
    if (result.skipped > 0) {
      const shown = result.skippedSamples.slice(0, 20).map((s) => `  ${s.image}: ${s.reason}`).join('\n');
      process.stdout.write(`skipped ${result.skipped} sample(s) (--skip-unreadable), not scored by the model nor the baselines:\n${shown}${result.skipped > 20 ? '\n  …' : ''}\n`);
    }
  });
}
