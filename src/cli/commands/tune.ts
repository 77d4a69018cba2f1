// `ncl tune [--json] [--clear]`: times the kernel variants on this adapter for the shape classes a
// training step uses and writes the winners to the tuning cache ($XDG_CACHE_HOME/ncl/, default
// ~/.cache/ncl/), which `ncl train` reads; --clear empties the cache.
import { Option, type Command } from 'commander';
import { variantLabel } from '../../kernels/variant-names.ts';
import { variantKey } from '../../runtime/tunable.ts';
import { clearTuneCache, deviceAdapter, tuneCacheFile, type TunedClass } from '../../device.ts';
import { resolveTrainConfig } from '../../ncl/train/config.ts';
import { readConfigFile } from '../../ncl/train/config-file.ts';
import { tuneTrainingStep } from '../../ncl/train/tune-step.ts';
import { openDevice } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';

interface TuneCommandOptions {
  json?: boolean;
  clear?: boolean;
  config?: string;
  preset?: 'tiny' | 'paper';
  batchSize?: number;
  inputSize?: number;
  repeat: number;
}

function line(r: TunedClass): string {
  const ms = (v: unknown) => r.candidates.find((c) => variantKey(c.variant) === variantKey(v))?.ms?.toFixed(2) ?? '-';
  return `${r.family.padEnd(14)} ${r.cls.padEnd(44)} ${variantLabel(r.family, r.cls, r.chosen).padEnd(40)} ${ms(r.chosen).padStart(9)} ms  (default ${ms(r.default)} ms)`;
}

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('time the kernel variants on this adapter for the shape classes of a training step; the winners go to the tuning cache')
    .option('--json', 'print the table as one JSON object')
    .option('--clear', 'empty the tuning cache (every adapter) and stop')
    .option('--config <file>', 'the training config whose step is tuned (JSON, as for ncl train)')
    .addOption(new Option('--preset <name>', "network preset (default: the config's)").choices(['tiny', 'paper']))
    .option('--batch-size <n>', "images per step (default: the config's)", parseNumber('--batch-size', true, 2))
    .option('--input-size <px>', "input side (default: the preset's)", parseNumber('--input-size', true, 32))
    .option('--repeat <n>', 'timed runs per variant (the median counts)', parseNumber('--repeat', true, 1), 3)
    .action(async (o: TuneCommandOptions) => {
      if (o.clear) {
        const { location, removed } = clearTuneCache();
        if (o.json) console.log(JSON.stringify({ cleared: removed, location }));
        else console.log(`removed ${removed.length} tuning cache entr${removed.length === 1 ? 'y' : 'ies'} from ${location}`);
        return;
      }
      const config = resolveTrainConfig(o.config ? readConfigFile(o.config) : {}, {
        ...(o.preset ? { preset: o.preset } : {}),
        ...(o.batchSize ? { batchSize: o.batchSize } : {}),
        ...(o.inputSize ? { model: { inputSize: o.inputSize } } : {}),
      });
      const rt = await openDevice();
      const a = deviceAdapter();
      const cache = tuneCacheFile();
      if (!o.json) console.log(`# adapter: ${a.description} (${a.backend}, ${a.driver}); profile ${rt.profile}; timing: ${rt.device.features.has('timestamp-query') ? 'timestamp-query (host time reported apart)' : 'host clock (no timestamp-query)'}`);
      const result = await tuneTrainingStep(config, { repeat: o.repeat, ...(o.json ? {} : { onClass: (r: TunedClass) => console.log(line(r)) }) });
      if (o.json) {
        console.log(JSON.stringify({ adapter: a.description, backend: a.backend, driver: a.driver, profile: rt.profile, cache, preset: config.preset, batchSize: config.batchSize, stepMs: result.stepMs, tuneMs: result.tuneMs, classes: result.rows }, null, 1));
        return;
      }
      const changed = result.rows.filter((r) => variantKey(r.chosen) !== variantKey(r.default)).length;
      console.log(`# ${result.rows.length} shape classes tuned in ${(result.tuneMs / 1000).toFixed(1)} s (${changed} differ from the default); written to ${cache}`);
    });
}
