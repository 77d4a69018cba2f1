// The tuning cache on Node: files in $XDG_CACHE_HOME/ncl/ (one per adapter, driver and ncl version),
// written by the tuner and emptied by `ncl tune --clear --json`; NCL_TUNE as the CLI reads it.
// (The tuner's choices: test/runtime/tune.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startChoices, tunePending, tuneCacheFile } from '../../src/device.ts';
import { fillKernel } from '../../src/kernels/elementwise.ts';
import { VariantFamily } from '../../src/kernels/variants.ts';
import { tuneModeFromEnv } from '../../src/cli/device-options.ts';
import { nclWith } from '../helpers/cli.ts';
import { tempCacheHome } from '../helpers/cache-home.ts';
import { device } from '../helpers/setup.ts';

/** A family of two variants that record one fill or two. */
const FILLS = new VariantFamily<number, number>(
  { cpu: 2, gpu: 2 },
  {
    name: 'test-cli-fills',
    files: ['fill'],
    classify: (n) => `n${n}`,
    candidates: () => [2, 1],
    describe: (n) => `${n} elements`,
    trial: (n) => ({
      run: () => {
        for (let i = 0; i < FILLS.current(n); i++) fillKernel([n], 1).dispose();
      },
      dispose: () => {},
    }),
  },
);

const cacheHome = tempCacheHome('tune-cli');
let dir = '';

test.before(async () => {
  await device();
  await cacheHome.set();
  dir = cacheHome.dir();
});

test.after(async () => {
  startChoices('off');
  await cacheHome.restore();
});

test('the tuner writes its winners to $XDG_CACHE_HOME/ncl/; ncl tune --clear --json empties it and says what it removed', async () => {
  startChoices('all');
  FILLS.current(4096);
  const [row] = await tunePending({ repeat: 1 });
  const names = readdirSync(join(dir, 'ncl')).filter((f) => f.startsWith('tune-'));
  assert.is(names.length, 1);
  assert.is(tuneCacheFile(), join(dir, 'ncl', names[0]!));
  const stored = JSON.parse(readFileSync(join(dir, 'ncl', names[0]!), 'utf8')) as { families: Record<string, Record<string, { variant: unknown }>> };
  const key = Object.keys(stored.families).find((k) => k.startsWith('test-cli-fills@'))!;
  assert.equal(stored.families[key]!.n4096!.variant, row!.chosen);
  const r = await nclWith({ XDG_CACHE_HOME: dir }, 'tune', '--clear', '--json');
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { cleared: names, location: join(dir, 'ncl') });
  assert.equal(readdirSync(join(dir, 'ncl')).filter((f) => f.startsWith('tune-')), []);
});

test("NCL_TUNE: unset or 'on' tunes lazily, 'off' does not, anything else is an error naming it", async () => {
  assert.is(tuneModeFromEnv({}), 'lazy');
  assert.is(tuneModeFromEnv({ NCL_TUNE: 'on' }), 'lazy');
  assert.is(tuneModeFromEnv({ NCL_TUNE: 'off' }), 'off');
  assert.throws(() => tuneModeFromEnv({ NCL_TUNE: 'maybe' }), /NCL_TUNE must be 'on' or 'off', got 'maybe'/);
  const r = await nclWith({ NCL_TUNE: 'maybe' }, 'train', '--data', join(dir, 'missing.json'), '--out', join(dir, 'run'));
  assert.is(r.code, 1);
  assert.match(r.stderr, /NCL_TUNE must be 'on' or 'off'/);
});

test.run();
