// `ncl eval`: a checkpoint's metrics on a dataset next to the trivial baselines, optionally under
// each robustness perturbation, per group of images (--groups) and per image (--per-image CSV);
// --json prints one object (the schema of evalJson, with perGroup).
import type { Command } from 'commander';
import { openDataset } from '../../data/dataset.ts';
import { checkedListing } from '../../data/preflight.ts';
import { addMaskOptions, loadOptionsFromCli, type MaskCliOptions } from '../../data/mask-options.ts';
import { writeTextAtomic } from '../../io/atomic-write.ts';
import { formatGroupTable, formatSummaries, perImageCsv } from '../../metrics/format.ts';
import { readGroups, synthGroups } from '../../metrics/groups.ts';
import { ROBUSTNESS_GRID } from '../../metrics/robustness.ts';
import { evalJson, evaluate, formatSeparation, groupJson, type EvaluationResult } from '../../ncl/evaluate.ts';
import { parseScale } from '../../ncl/inference.ts';
import { pivotProbe } from '../../ncl/pivot-probe.ts';
import { collectSamples, writeReport } from '../../ncl/report/report.ts';
import { readLog } from '../../ncl/train/log.ts';
import { LOG_FILE } from '../../ncl/train/run-folder.ts';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadNetwork } from '../../ncl/train/checkpoint.ts';
import { openDevice } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';
import { progressLines } from '../progress-lines.ts';

interface EvalOptions extends MaskCliOptions {
  checkpoint: string;
  data: string;
  robustness?: boolean;
  json?: boolean;
  limit?: number;
  skipUnreadable?: boolean;
  perImage?: string;
  scale: string;
  report?: string;
  probeData?: string;
  groups?: string;
  groupBy?: string;
}

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description('score a checkpoint on a dataset: pixel F1/AUC/IoU, image AUC/accuracy, next to the all-tampered and all-authentic baselines')
    .requiredOption('--checkpoint <file>', 'a checkpoint written by ncl train or ncl demo')
    .requiredOption('--data <dataset>', 'dataset to score on')
    .option('--robustness', 'also score under JPEG (q 100–50), blur (k 3–23) and noise (var 3–23)')
    .option('--limit <n>', 'score the first n samples only', parseNumber('--limit', true, 1))
    .option('--skip-unreadable', 'leave out samples whose files cannot be opened (listed) instead of stopping before the first')
    .option('--scale <how>', "input: every image resized to the model's input size; native: each image at its own pixels (tiled above 1024 px); or a factor such as 0.5", 'input')
    .option('--per-image <file.csv>', 'write one CSV row per image: its groups, label, score and every metric')
    .option('--groups <file.csv>', 'a CSV of the images (first column, or one named file or image: the path relative to the dataset) and their groups (source, kind, …): a table per group column')
    .option('--group-by <columns>', 'with --groups: the comma-separated columns to tabulate (default: those with 2 to 20 values)')
    .option('--probe-data <dataset>', "fit a linear probe on the frozen pivot features of this set's patches (a training split) and report its patch AUROC on the scored set (docs/method.md §5)")
    .option('--report <file.html>', "write report.html for this scoring: metrics, the heads' separation, per-group tables, sample images, and the training curves when the checkpoint's log.jsonl is beside it")
    .option('--json', 'print one JSON object');
  addMaskOptions(command);
  command.action(async (o: EvalOptions) => {
    if (o.groupBy && !o.groups) throw new Error('--group-by does nothing without --groups (the file of the groups)');
    const scale = parseScale(o.scale);
    const load = loadOptionsFromCli(o);
    // A set written by ncl synth groups itself by source photo and manipulation.
    const table = o.groups ? await readGroups(o.groups) : await synthGroups(o.data);
    const groups = table ? { table, ...(o.groupBy ? { columns: o.groupBy.split(',') } : {}) } : undefined;
    const listing = await checkedListing(await openDataset(o.data), {
      what: 'dataset',
      maskResize: load.onSizeMismatch === 'resize',
      skip: o.skipUnreadable ?? false,
      onSkipped: (text) => process.stderr.write(`${text}\n`),
      onProgress: progressLines('reading the headers of', o.data),
    });
    await openDevice();
    const { net, checkpoint } = loadNetwork(o.checkpoint);
    // A file whose header reads but whose data is damaged is still skipped, and listed, when loaded.
    const common = { load: { ...load, skipUnreadable: true }, scale, ...(o.limit ? { limit: o.limit } : {}) };
    const progress = (done: number, total: number) => {
      if (!o.json && process.stderr.isTTY) process.stderr.write(`\r${done}/${total}`);
    };
    const clean = await evaluate(net, listing, { ...common, separation: checkpoint.config.ncl, onImage: progress, ...(groups ? { groups } : {}) });
    const probe = o.probeData ? await pivotProbe(net, await openDataset(o.probeData), listing, checkpoint.config.ncl, load) : null;
    if (clean.model.images === 0) {
      throw new Error(`nothing was scored: none of the ${listing.samples.length} samples of ${o.data} could be read${clean.skipped.length ? ` (first: ${clean.skipped[0]!.image}: ${clean.skipped[0]!.reason})` : ''}`);
    }
    const perturbed: EvaluationResult[] = [];
    if (o.robustness) for (const perturbation of ROBUSTNESS_GRID) perturbed.push(await evaluate(net, listing, { ...common, perturbation, onImage: progress }));
    if (!o.json && process.stderr.isTTY) process.stderr.write('\n');
    for (const c of clean.contradictions) process.stderr.write(`warning: ${c}\n`);
    if (groups && clean.perImage.some((r) => Object.keys(r.groups).length === 0)) {
      process.stderr.write(`warning: ${clean.perImage.filter((r) => Object.keys(r.groups).length === 0).length} scored image(s) are not in ${groups.table.file}: they are in no group's table\n`);
    }
    if (o.perImage) writeTextAtomic(o.perImage, perImageCsv(clean.perImage));
    if (o.report) {
      const log = join(dirname(o.checkpoint), LOG_FILE);
      await writeReport(o.report, {
        title: `ncl eval: ${basename(o.checkpoint)} on ${o.data}`,
        notes: [`checkpoint: ${o.checkpoint} (step ${checkpoint.step}, preset ${checkpoint.config.preset})`, `data: ${o.data}, ${clean.model.images} images scored`, `scale: ${clean.scale}`, existsSync(log) ? `training log: ${log}` : 'no training log beside the checkpoint'],
        log: existsSync(log) ? readLog(log) : [],
        evaluation: clean,
        samples: await collectSamples(net, listing, 4, 2, common.load, scale),
      });
    }
    if (o.json) {
      const perGroup = clean.perGroup ? { perGroup: groupJson(clean.perGroup) } : {};
      process.stdout.write(`${JSON.stringify({ checkpoint: o.checkpoint, data: o.data, ...evalJson(clean), ...perGroup, ...(probe ? { probe } : {}), ...(o.robustness ? { robustness: perturbed.map(evalJson) } : {}) })}\n`);
      return;
    }
    process.stdout.write(`scored at scale ${clean.scale}\n`);
    process.stdout.write(`${formatSummaries({ model: clean.model, 'all tampered': clean.allTampered, 'all authentic': clean.allAuthentic, 'centre prior': clean.centrePrior })}\n`);
    if (clean.separation && Object.keys(clean.separation).length > 0) process.stdout.write(`patch separation (docs/method.md §5): ${formatSeparation(clean.separation)}\n`);
    for (const [head, m] of Object.entries(clean.patchMeasures ?? {})) process.stdout.write(`head ${head} per image (median of ${m.images} tampered images): patch AUROC ${fmt(m.patchAurocMedian)}, share of L_con's gap closed ${fmt(m.gapClosedMedian)}\n`);
    for (const [column, byValue] of Object.entries(clean.perGroup ?? {})) process.stdout.write(`${formatGroupTable(column, byValue)}\n`);
    if (o.perImage) process.stdout.write(`per-image metrics: ${o.perImage}\n`);
    if (probe) process.stdout.write(`linear probe on the pivot (fit on ${probe.fitPatches} patches of ${probe.probeData}): patch AUROC ${fmt(probe.auroc)} over ${probe.scoredPatches} patches\n`);
    for (const s of clean.skipped) process.stdout.write(`unreadable, skipped: ${s.image}: ${s.reason}\n`);
    for (const r of perturbed) {
      const j = evalJson(r);
      process.stdout.write(`${r.perturbation.padEnd(14)} pixel F1 ${fmt(j.pixelF1)}  AUC ${fmt(j.pixelAUC)}  IoU ${fmt(j.pixelIoU)}  image AUC ${fmt(j.imageAUC)}\n`);
    }
  });
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(4));
