// Groups of a synthetic set: one split's list tabulates that split's photos, although the three
// splits together hold more than the 20 values a column may have to be tabulated by default.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { synthGroups, tableColumns } from '../../src/metrics/groups.ts';
import { tempDir } from '../helpers/data-fixtures.ts';

/** A meta.json as ncl synth writes it: 24 training photos, 3 test photos, two images each. */
function writeMeta(dir: string): void {
  const records = [];
  for (let p = 0; p < 27; p++) {
    const split = p < 24 ? 'train' : 'test';
    for (let i = 0; i < 2; i++) records.push({ image: `${split}/Tp/${p}-${i}.png`, split, photo: `photo${p}`, kind: i ? 'splice' : 'authentic' });
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ generator: 'ncl synth', records }));
}

test("a split's list holds only that split's images, and its photos are tabulated", async () => {
  const { dir, cleanup } = await tempDir('ncl-groups-');
  writeMeta(dir);
  const testGroups = (await synthGroups(join(dir, 'test.json')))!;
  assert.equal([...testGroups.byImage.keys()].sort(), ['test/Tp/24-0.png', 'test/Tp/24-1.png', 'test/Tp/25-0.png', 'test/Tp/25-1.png', 'test/Tp/26-0.png', 'test/Tp/26-1.png']);
  assert.equal(testGroups.byImage.get('test/Tp/25-1.png'), { photo: 'photo25', kind: 'splice' });
  assert.equal(tableColumns(testGroups), ['photo', 'kind']);
  const trainGroups = (await synthGroups(join(dir, 'train.json')))!;
  assert.is(trainGroups.byImage.size, 48);
  assert.equal(tableColumns(trainGroups), ['kind'], '24 photos are more than a default table shows');
  await cleanup();
});

test('a list named after no split keeps every image', async () => {
  const { dir, cleanup } = await tempDir('ncl-groups-');
  writeMeta(dir);
  const all = (await synthGroups(join(dir, 'mine.json')))!;
  assert.is(all.byImage.size, 54);
  assert.is(await synthGroups(join(dir, 'Tp', 'test.json')), null, 'no meta.json beside the list: no groups');
  await cleanup();
});

test.run();
