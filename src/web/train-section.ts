// The page's training section: NCL's tiny preset trained from random initialisation on the built-in
// synthetic tampering set, generated in the page from the photos the site ships (page-synth.ts),
// with the trainer's own step (src/ncl/train/memory-run.ts). Each step's record goes into the log;
// every few steps, and at a pause and the end, the charts of the losses and the learning rate (the
// report's, step-charts.ts) are drawn again and the model predicts a validation image (so a long
// run's redrawing stays a few times its length); the run pauses and resumes between steps; paused or done,
// the model is offered as an ncl checkpoint (weights, optimiser state, config and step) that
// `ncl train --resume`, `ncl eval` and `ncl export` read.
import type { Mask, RgbImage } from '../data/image.ts';
import { DEMO_CONFIG } from '../ncl/demo-config.ts';
import { predictProbability } from '../ncl/inference.ts';
import { binaryMask, overlay, predictionSummary } from '../ncl/prediction-images.ts';
import { stepCharts } from '../ncl/report/step-charts.ts';
import { resolveTrainConfig, type TrainConfig } from '../ncl/train/config.ts';
import type { StepRecord } from '../ncl/train/log.ts';
import { MemoryRun } from '../ncl/train/memory-run.ts';
import { greyCanvas, imageCanvas, picture } from './canvas-images.ts';
import { element, setStatus } from './dom.ts';
import { synthesiseInPage } from './page-synth.ts';

/** The demo's recipe (demo-config.ts) at the page's size, steps and batch; the warm-up the default share of the steps. */
function pageConfig(steps: number, batchSize: number, imageSize: number, seed: number): TrainConfig {
  return resolveTrainConfig(DEMO_CONFIG, { model: { inputSize: imageSize }, steps, batchSize, seed, warmupSteps: null, checkpointEvery: steps });
}

interface Field {
  id: string;
  name: string;
  min: number;
  max: number;
}

const FIELDS = {
  images: { id: 'train-images', name: 'images', min: 8, max: 400 },
  size: { id: 'train-size', name: 'image size', min: 32, max: 256 },
  steps: { id: 'train-steps', name: 'steps', min: 1, max: 100_000 },
  batch: { id: 'train-batch', name: 'batch size', min: 1, max: 64 },
  seed: { id: 'train-seed', name: 'seed', min: 0, max: 2 ** 31 },
} satisfies Record<string, Field>;

/** The integer in a field, or an error naming the field and its range. */
function integer(f: Field): number {
  const text = element<HTMLInputElement>(f.id).value.trim();
  const v = Number(text);
  if (text === '' || !Number.isInteger(v) || v < f.min || v > f.max) throw new Error(`${f.name}: give an integer from ${f.min} to ${f.max}, got "${text}"`);
  return v;
}

interface Session {
  run: MemoryRun;
  records: StepRecord[];
  preview: { image: RgbImage; mask: Mask; name: string };
  paused: boolean;
  running: boolean;
  /** The step the charts and the prediction show (-1: none yet). */
  shownStep: number;
}

let session: Session | null = null;

const say = (text: string, problem = false) => setStatus('train-status', text, problem);

/** The charts of every step so far, and the model's prediction of the validation image beside its true mask. */
async function showProgress(s: Session): Promise<void> {
  const charts = stepCharts(s.records);
  element('train-charts').innerHTML = [charts.losses, charts.contrastive, charts.learningRate].join('\n');
  const { image, mask, name } = s.preview;
  const p = await s.run.between((net) => predictProbability(net, image));
  const predicted = binaryMask(p);
  element('train-preview-caption').textContent = `${name} after step ${s.run.step}: ${predictionSummary(p, predicted)}`;
  element('train-preview').replaceChildren(picture(imageCanvas(image), name), picture(greyCanvas(mask), 'true mask'), picture(greyCanvas(p), 'p(tampered), white = 1'), picture(imageCanvas(overlay(image, predicted)), 'p > 0.5 in red'));
  s.shownStep = s.run.step;
}

/** Adds a step's record to the log (log.jsonl's lines). */
function logStep(record: StepRecord): void {
  const log = element<HTMLTextAreaElement>('train-log');
  log.value += `${log.value ? '\n' : ''}${JSON.stringify(record)}`;
}

/** Offers the run's checkpoint for download. */
async function offerCheckpoint(s: Session): Promise<void> {
  const link = element<HTMLAnchorElement>('train-download');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob(await s.run.checkpoint(), { type: 'application/octet-stream' }));
  link.download = `ncl-page-step-${s.run.step}.safetensors`;
  link.textContent = `Download the checkpoint of step ${s.run.step} (${link.download})`;
  link.hidden = false;
}

/** Steps until the run is done or paused; then a prediction and the checkpoint. */
async function trainSteps(s: Session): Promise<void> {
  const pause = element<HTMLButtonElement>('train-pause');
  const startButton = element<HTMLButtonElement>('train-start');
  startButton.disabled = true; // a resumed run too: a new start would dispose of it mid-step
  s.running = true;
  pause.disabled = false;
  pause.textContent = 'Pause';
  element('train-download').hidden = true;
  const previewEvery = Math.max(1, Math.round(s.run.config.steps / 20));
  try {
    while (!s.run.done && !s.paused) {
      const record = await s.run.next();
      s.records.push(record);
      logStep(record);
      say(`Step ${record.step} of ${s.run.config.steps}: L ${record.loss.toFixed(4)}, L_seg ${record.seg.toFixed(4)}, learning rate ${record.lr.toExponential(2)}, ${record.seconds.toFixed(2)} s a step.`);
      if (record.step % previewEvery === 0) await showProgress(s);
    }
    if (s.shownStep !== s.run.step) await showProgress(s);
    await offerCheckpoint(s);
    say(s.run.done ? `Trained ${s.run.step} steps.` : `Paused after step ${s.run.step} of ${s.run.config.steps}.`);
  } catch (e) {
    say(`Training stopped: ${(e as Error).message}`, true);
  } finally {
    s.running = false;
    pause.textContent = s.run.done ? 'Pause' : 'Resume';
    pause.disabled = s.run.done;
    startButton.disabled = false;
  }
}

async function start(): Promise<void> {
  const startButton = element<HTMLButtonElement>('train-start');
  startButton.disabled = true;
  try {
    const size = integer(FIELDS.size);
    const config = pageConfig(integer(FIELDS.steps), integer(FIELDS.batch), size, integer(FIELDS.seed));
    const count = integer(FIELDS.images);
    await session?.run.dispose();
    session = null;
    say('Loading the photos…');
    const set = await synthesiseInPage({ count, size, seed: config.seed }, (done, total) => say(`Generating the synthetic set: ${done} of ${total} images…`));
    const preview = set.val.find((s) => s.mask.data.some((v) => v > 0)) ?? set.val[0]!;
    session = { run: new MemoryRun(config, set.train), records: [], preview, paused: false, running: false, shownStep: -1 };
    element<HTMLTextAreaElement>('train-log').value = '';
    element('train-charts').replaceChildren();
    say(`Generated ${set.train.length} training and ${set.val.length} validation images; training…`);
    await trainSteps(session);
  } catch (e) {
    say((e as Error).message, true);
    startButton.disabled = false;
  }
}

/** Offers training once the page has a device. */
export function enableTraining(): void {
  const startButton = element<HTMLButtonElement>('train-start');
  startButton.disabled = false;
  startButton.addEventListener('click', () => void start());
  element<HTMLButtonElement>('train-pause').addEventListener('click', () => {
    if (!session) return;
    if (session.running) {
      session.paused = true;
      say(`Pausing after step ${session.run.step + 1}…`);
    } else {
      session.paused = false;
      void trainSteps(session);
    }
  });
}
