// The shortcut probe (test/helpers/shortcut-probe.ts) on synthetic sets of several seeds, on all
// images and on each manipulation alone (its images and the authentic ones of each split), with the
// generation time. Prints, per seed and kind, the probe's pixel F1 on the test split and the
// all-tampered baseline's, then the mean difference over the seeds.
//   npx tsx scripts/synth-probe.ts [--count 200] [--size 128] [--seeds 0,1,2,3,4] [--out DIR]
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSyntheticSet } from '../src/data/synth/generate.ts';
import { runShortcutProbe } from '../test/helpers/shortcut-probe.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, size: { type: 'string', default: '128' }, seeds: { type: 'string', default: '0,1,2,3,4' }, out: { type: 'string' } } });
const root = values.out ?? (await mkdtemp(join(tmpdir(), 'ncl-probe-')));
const kinds = ['all', 'copy-move', 'splice', 'removal'] as const;
const gaps: Record<string, number[]> = {};
for (const seed of values.seeds.split(',').map(Number)) {
  const out = join(root, `seed-${seed}`);
  const start = performance.now();
  const set = await generateSyntheticSet({ out, count: Number(values.count), size: Number(values.size), seed, force: true });
  console.log(`seed ${seed}: generated in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  for (const kind of kinds) {
    const lists = { train: '', val: '', test: '' };
    for (const split of ['train', 'val', 'test'] as const) {
      const chosen = set.records.filter((r) => r.split === split && (kind === 'all' || r.kind === kind || r.kind === 'authentic'));
      lists[split] = join(out, `probe-${kind}-${split}.json`);
      await writeFile(lists[split], JSON.stringify(chosen.map((r) => [r.image, r.kind === 'authentic' ? 'Negative' : r.mask])));
    }
    const r = await runShortcutProbe(lists);
    (gaps[kind] ??= []).push(r.probeF1 - r.allTamperedF1);
    console.log(`  ${kind.padEnd(9)} probe ${r.probeF1.toFixed(3)}  all-tampered ${r.allTamperedF1.toFixed(3)}  (train: probe ${r.trainF1.toFixed(3)}, all-tampered ${r.trainAllTamperedF1.toFixed(3)})`);
  }
}
for (const kind of kinds) {
  const g = gaps[kind]!;
  console.log(`${kind.padEnd(9)} probe − all-tampered on test: mean ${(g.reduce((a, b) => a + b, 0) / g.length).toFixed(3)}, max ${Math.max(...g).toFixed(3)}`);
}
