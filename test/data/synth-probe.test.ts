// The shortcut probe (test/helpers/shortcut-probe.ts): it finds a low-level or a position shortcut
// planted in a set, and on the demo's default synthetic set (200 images of 128 px) a detector that
// sees only such statistics and the patch's position does no better than predicting every pixel
// tampered, give or take 0.05 pixel F1; nor does the centre prior find the regions there.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMask } from '../../src/data/image.ts';
import { writeImagePng, writeMaskPng } from '../../src/data/image-io.ts';
import { Rng } from '../../src/common/rng.ts';
import { generateSyntheticSet } from '../../src/data/synth/generate.ts';
import { tempDir } from '../helpers/data-fixtures.ts';
import { runShortcutProbe } from '../helpers/shortcut-probe.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
test.before(async () => {
  ({ dir, cleanup } = await tempDir('probe'));
});
test.after(() => cleanup());

/**
 * A list of n grainy 64 px images, a rectangle of each tampered one either left almost without
 * grain (`grain`) or, with the same grain as the rest, always around the image centre (`centre`).
 */
async function plantedList(name: string, n: number, rng: Rng, shortcut: 'grain' | 'centre' = 'grain'): Promise<string> {
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const size = 64;
    const mask = createMask(size, size);
    const tampered = i % 4 !== 0;
    if (tampered) {
      const [w, h] = [rng.int(20, 40), rng.int(20, 40)];
      const [x0, y0] = shortcut === 'grain' ? [rng.int(0, size - w), rng.int(0, size - h)] : [(size - w) >> 1, (size - h) >> 1];
      for (let y = y0; y < y0 + h; y++) mask.data.fill(1, y * size + x0, y * size + x0 + w);
    }
    const data = new Float32Array(size * size * 3);
    const shade = rng.uniform(0.3, 0.7);
    for (let p = 0; p < size * size; p++) {
      const grain = (mask.data[p] && shortcut === 'grain' ? 0.003 : 0.06) * rng.normal();
      for (let c = 0; c < 3; c++) data[p * 3 + c] = shade + grain;
    }
    await writeImagePng(join(dir, `${name}-${i}.png`), { width: size, height: size, data });
    await writeMaskPng(join(dir, `${name}-${i}-mask.png`), mask);
    pairs.push([`${name}-${i}.png`, tampered ? `${name}-${i}-mask.png` : 'Negative']);
  }
  const list = join(dir, `${name}.json`);
  await writeFile(list, JSON.stringify(pairs));
  return list;
}

test('the probe finds a planted shortcut: tampered regions without grain', async () => {
  const rng = Rng.fromSeed(11);
  const lists = { train: await plantedList('train', 16, rng), val: await plantedList('val', 8, rng), test: await plantedList('test', 8, rng) };
  const r = await runShortcutProbe(lists);
  assert.ok(r.probeF1 > r.allTamperedF1 + 0.3, `probe ${r.probeF1} vs all-tampered ${r.allTamperedF1}`);
});

test('the probe finds a planted position shortcut: tampered regions always in the middle', async () => {
  const rng = Rng.fromSeed(12);
  const lists = { train: await plantedList('ctrain', 16, rng, 'centre'), val: await plantedList('cval', 8, rng, 'centre'), test: await plantedList('ctest', 8, rng, 'centre') };
  const r = await runShortcutProbe(lists);
  assert.ok(r.probeF1 > r.allTamperedF1 + 0.3, `probe ${r.probeF1} vs all-tampered ${r.allTamperedF1}`);
  assert.ok(r.centrePriorAUC > 0.9, `centre prior AUC ${r.centrePriorAUC}`);
});

test("on the demo's default set the probe is no more than 0.05 pixel F1 above the all-tampered baseline", async () => {
  const out = join(dir, 'synth');
  await generateSyntheticSet({ out, count: 200, size: 128, seed: 0 });
  const r = await runShortcutProbe({ train: join(out, 'train.json'), val: join(out, 'val.json'), test: join(out, 'test.json') });
  console.log(`shortcut probe on the test split: pixel F1 ${r.probeF1.toFixed(3)}, all-tampered ${r.allTamperedF1.toFixed(3)} (threshold ${r.threshold} from val; on train ${r.trainF1.toFixed(3)} vs ${r.trainAllTamperedF1.toFixed(3)})`);
  assert.ok(r.probeF1 <= r.allTamperedF1 + 0.05, `probe ${r.probeF1} vs all-tampered ${r.allTamperedF1}`);
  console.log(`centre prior on the test split: per-image pixel AUC ${r.centrePriorAUC.toFixed(3)}`);
  assert.ok(r.centrePriorAUC <= 0.55, `centre prior AUC ${r.centrePriorAUC}`);
});

test.run();
