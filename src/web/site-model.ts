// The model and sample images the page offers for prediction, made when the site is built: a short
// training run of the tiny preset on a small built-in synthetic set (the demo's settings, fewer
// steps and images), saved as an ncl checkpoint without optimiser state, and two tampered images
// of that set's test split. A site folder that already holds a model of the same recipe keeps it,
// so only the first build trains. A few dozen steps do not make a useful detector: the model is
// there to show the page working, and any checkpoint of `ncl train` or `ncl demo` can be loaded
// instead. Node only.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { openDataset } from '../data/dataset.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { generateSyntheticSet } from '../data/synth/generate.ts';
import { DEMO_CONFIG } from '../ncl/demo-config.ts';
import { readCheckpoint, saveCheckpoint } from '../ncl/train/checkpoint.ts';
import { resolveTrainConfig, type TrainConfig } from '../ncl/train/config.ts';
import { train } from '../ncl/train/trainer.ts';
import { MODEL_FILE, SAMPLE_FILES } from './site-files.ts';

/** Steps of the built-in model's run (`ncl web --model-steps`). */
export const DEFAULT_MODEL_STEPS = 40;
const IMAGES = 40;
const IMAGE_SIZE = 128;
const SEED = 0;

/** The built-in model's training config. */
export function modelRecipe(steps: number): TrainConfig {
  return resolveTrainConfig(DEMO_CONFIG, { steps, seed: SEED, batchSize: 4, warmupSteps: null, checkpointEvery: steps });
}

/** Whether `out` holds a model of this recipe and the sample images. */
function upToDate(out: string, recipe: TrainConfig): boolean {
  if (![MODEL_FILE, ...SAMPLE_FILES].every((f) => existsSync(join(out, f)))) return false;
  try {
    const checkpoint = readCheckpoint(join(out, MODEL_FILE));
    return checkpoint.step === recipe.steps && isDeepStrictEqual(checkpoint.config, recipe);
  } catch {
    return false;
  }
}

/** Writes the built-in model and the sample images into `out` unless they are there (training on
 *  the device `openDevice` opens); returns their paths. */
export async function buildSiteModel(out: string, steps: number, log: (line: string) => void, openDevice: () => Promise<unknown>): Promise<string[]> {
  const recipe = modelRecipe(steps);
  const files = [MODEL_FILE, ...SAMPLE_FILES].map((f) => join(out, f));
  if (upToDate(out, recipe)) {
    log(`keeping the built-in model in ${join(out, MODEL_FILE)} (${steps} steps, the same recipe)`);
    return files;
  }
  await openDevice();
  const work = mkdtempSync(join(tmpdir(), 'ncl-web-model-'));
  try {
    log(`training the page's built-in model: ${steps} steps of the ${recipe.preset} preset, batch ${recipe.batchSize}, on ${IMAGES} synthetic images of ${IMAGE_SIZE} px (once; later builds keep it)`);
    await generateSyntheticSet({ out: join(work, 'synth'), count: IMAGES, size: IMAGE_SIZE, seed: SEED, force: true });
    const trainSet = await openDataset(join(work, 'synth', 'train.json'));
    const run = await train({ config: recipe, train: trainSet, outDir: join(work, 'run'), existing: 'replace', progress: false });
    await saveCheckpoint(files[0]!, run.net, null, run.config, run.step, run.data);
    run.net.dispose();
    const tampered = (await openDataset(join(work, 'synth', 'test.json'))).samples.filter((s) => s.label === 1);
    if (tampered.length < SAMPLE_FILES.length) throw new Error(`the synthetic test split has ${tampered.length} tampered images; the page needs ${SAMPLE_FILES.length}`);
    SAMPLE_FILES.forEach((name, i) => writeFileAtomic(join(out, name), [readFileSync(tampered[i]!.imagePath)]));
    return files;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
