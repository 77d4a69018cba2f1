// `ncl demo`: the main job on the built-in default (src/ncl/demo.ts): synthetic set → train the
// tiny preset for --minutes → held-out metrics, model.safetensors, metrics.json, report.html.
import type { Command } from 'commander';
import { DEMO_CONFIG } from '../../ncl/demo-config.ts';
import { runDemo } from '../../ncl/demo.ts';
import { openDevice, tuneModeFromEnv } from '../device-options.ts';
import { parseNumber } from './parse-number.ts';
import { addTrainOptions, configFromCli, type TrainCliOptions } from './train-options.ts';
import { readConfigFile } from '../../ncl/train/config-file.ts';

/** Training minutes by default: training stops at its budget (the trainer's timeBudget), and
 *  generation, calibration and evaluation take about half a minute, so the demo stays under 10. */
export const DEFAULT_DEMO_MINUTES = 9;

interface DemoCommandOptions extends TrainCliOptions {
  out: string;
  minutes: number;
  images?: number;
  imageSize?: number;
  progress: boolean;
}

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description(`generate the synthetic set, train the tiny preset with NCL for --minutes, evaluating on the validation split along the way, evaluate on the test split, write a report; a GPU adapter gets more and larger images (--images, --image-size). The training options below change the demo's recipe (batch ${DEMO_CONFIG.batchSize}, AdamW lr ${DEMO_CONFIG.lr}, warm-up ${DEMO_CONFIG.warmupSteps}, tampered pixels weighted ${DEMO_CONFIG.ncl?.segTamperedWeight}); the defaults they list are ncl train's`)
    .option('--out <dir>', 'output folder', 'runs/demo')
    .option('--minutes <m>', 'training time budget in minutes', parseNumber('--minutes'), DEFAULT_DEMO_MINUTES)
    .option('--images <n>', 'synthetic images, train, val and test together, at least 5 (default: 200 on a CPU adapter, 800 on a GPU)', parseNumber('--images', true, 1))
    .option('--image-size <px>', 'side of the synthetic images (default: 128 on a CPU adapter, 256 on a GPU)', parseNumber('--image-size', true, 1))
    .option('--no-progress', 'no progress output');
  addTrainOptions(command);
  command.action(async (o: DemoCommandOptions) => {
    if (!(o.minutes > 0)) throw new Error(`--minutes must be positive, got ${o.minutes}`);
    await openDevice();
    const result = await runDemo({
      out: o.out,
      minutes: o.minutes,
      seed: o.seed ?? 0,
      ...(o.images !== undefined ? { images: o.images } : {}),
      ...(o.imageSize !== undefined ? { imageSize: o.imageSize } : {}),
      config: { ...(o.config ? readConfigFile(o.config) : {}), ...configFromCli(o) },
      // NCL_TUNE, when set, wins over the adapter's choice (demoScale).
      ...(process.env.NCL_TUNE ? { tune: tuneModeFromEnv() } : {}),
      progress: o.progress,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const m = result.metrics;
    const f = (v: number | null) => (v === null ? '—' : v.toFixed(4));
    process.stdout.write(
      [
        `test split (${m.images} images, ${m.tampered} tampered): pixel F1 ${f(m.pixelF1)} (all-tampered baseline ${f(m.baselineAllTamperedF1)}), pixel AUC ${f(m.pixelAUC)}, IoU ${f(m.pixelIoU)}, image AUC ${f(m.imageAUC)}`,
        `${result.steps} steps; wall time ${result.seconds.total.toFixed(0)} s`,
        `wrote ${o.out}/model.safetensors, ${o.out}/metrics.json, ${o.out}/report.html`,
      ].join('\n') + '\n',
    );
  });
}
