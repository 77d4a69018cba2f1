// How fast the check before a run reads a dataset's headers (src/data/preflight.ts): a synthetic
// set of the demo's size, its training list repeated to about 3500 samples, read three times
// (the first with whatever the file cache holds, the next two warm). docs/training.md cites it.
//   npx tsx scripts/header-rate.ts [--repeat 25] [--size 128]
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDataset } from '../src/data/dataset.ts';
import { preflight } from '../src/data/preflight.ts';
import { generateSyntheticSet } from '../src/data/synth/generate.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '25' }, size: { type: 'string', default: '128' } } });
const root = await mkdtemp(join(tmpdir(), 'ncl-headers-'));
await generateSyntheticSet({ out: join(root, 'synth'), count: 200, size: Number(values.size), seed: 0 });
const base = await openDataset(join(root, 'synth', 'train.json'));
const pairs: Array<[string, string]> = [];
for (let r = 0; r < Number(values.repeat); r++) for (const s of base.samples) pairs.push([s.imagePath, s.maskPath ?? 'Negative']);
await writeFile(join(root, 'list.json'), JSON.stringify(pairs));
const listing = await openDataset(join(root, 'list.json'));
const files = listing.samples.reduce((n, s) => n + (s.maskPath ? 2 : 1), 0);
for (let k = 0; k < 3; k++) {
  const start = performance.now();
  await preflight(listing);
  const seconds = (performance.now() - start) / 1000;
  console.log(`${listing.samples.length} samples (${files} files of ${values.size} px): ${seconds.toFixed(2)} s, ${((1000 * seconds) / files).toFixed(2)} s per thousand files`);
}
