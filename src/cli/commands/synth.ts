// `ncl synth`: writes the built-in synthetic tampering set (see src/data/synth/generate.ts).
import type { Command } from 'commander';
import { generateSyntheticSet, type SynthSummary } from '../../data/synth/generate.ts';
import { SPLITS } from '../../data/synth/splits.ts';
import { parseNumber } from './parse-number.ts';

function formatSummary(s: SynthSummary, seconds: number): string {
  const lines = [`wrote ${s.records.length} images to ${s.out} in ${seconds.toFixed(1)} s`];
  for (const split of SPLITS) {
    const kinds = Object.entries(s.byKind[split])
      .map(([kind, k]) => (kind === 'authentic' ? `authentic ${k.count}` : `${kind} ${k.count} (mean area ${(100 * k.meanArea).toFixed(1)} %)`))
      .join(', ');
    lines.push(`${split}: ${kinds}; photos: ${s.photos[split].join(', ')}`);
  }
  return lines.join('\n');
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('generate the synthetic tampering set (copy-move, splice, removal) from the built-in photos or --images')
    .requiredOption('--out <dir>', 'output folder')
    .option('--count <n>', 'total number of images, all three splits (train, val, test)', parseNumber('--count', true, 1), 200)
    .option('--size <px>', 'side of the square images', parseNumber('--size', true, 1), 256)
    .option('--seed <s>', 'random seed: the same seed gives the same bytes', parseNumber('--seed', true, 0), 0)
    .option('--images <dir>', 'use this folder of photos instead of the built-in ones (at least 6: two per split)')
    .option('--folds <k>', 'split the photos outside the test split into k parts and hold out one of them (--fold) as val: the folds of a seed rotate which photos are held out', parseNumber('--folds', true, 2))
    .option('--fold <i>', 'which of the --folds parts is val (0 .. k-1)', parseNumber('--fold', true, 0))
    .option('--force', 'replace the generated files of a non-empty output folder')
    .action(async (o: { out: string; count: number; size: number; seed: number; images?: string; folds?: number; fold?: number; force?: boolean }) => {
      if ((o.folds === undefined) !== (o.fold === undefined)) throw new Error('--folds and --fold go together: --folds k --fold i holds out part i of k');
      const start = performance.now();
      const summary = await generateSyntheticSet({
        out: o.out,
        count: o.count,
        size: o.size,
        seed: o.seed,
        force: o.force ?? false,
        ...(o.images !== undefined ? { imagesDir: o.images } : {}),
        ...(o.folds !== undefined ? { fold: { index: o.fold!, count: o.folds } } : {}),
        onProgress: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total}`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(`${formatSummary(summary, (performance.now() - start) / 1000)}\n`);
    });
}
