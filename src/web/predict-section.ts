// The page's prediction section: an ncl checkpoint (picked, dropped, or the site's built-in model)
// and images (picked, dropped, or the site's samples) give, per image, what `ncl predict` writes:
// the probability map, the mask at p > 0.5 over the image, and the mask and map as PNGs named as
// predict names them — the same checkpoint code (checkpoint-codec.ts) and inference
// (src/ncl/inference.ts) as the command line, run on the browser's adapter.
import { parseScale, predictProbability } from '../ncl/inference.ts';
import type { NclNetwork } from '../ncl/method/model/network.ts';
import { binaryMask, overlay, predictionSummary } from '../ncl/prediction-images.ts';
import { decodeCheckpoint, networkFromCheckpoint } from '../ncl/train/checkpoint-codec.ts';
import { uniqueStems } from '../data/unique-stems.ts';
import { modelConfigOf } from '../ncl/train/config.ts';
import { canvasPng, decodeImageFile, greyCanvas, imageCanvas, picture } from './canvas-images.ts';
import { element, fetchOk, setStatus, textElement } from './dom.ts';
import { MODEL_FILE, SAMPLE_FILES } from './site-files.ts';


let model: { net: NclNetwork; name: string } | null = null;
/** One model load or prediction at a time. */
let busy = false;

/** Runs `work` unless another load or prediction is running; its error is stated in `statusId`. */
async function exclusive(statusId: string, work: () => Promise<void>): Promise<void> {
  if (busy) {
    setStatus(statusId, 'Wait: a model is loading or images are being predicted.');
    return;
  }
  busy = true;
  try {
    await work();
  } catch (e) {
    setStatus(statusId, (e as Error).message, true);
  } finally {
    busy = false;
  }
}

function loadModel(file: Blob, name: string): Promise<void> {
  return exclusive('predict-model', async () => {
    setStatus('predict-model', `Reading ${name}…`);
    const checkpoint = decodeCheckpoint(new Uint8Array(await file.arrayBuffer()), name);
    const net = networkFromCheckpoint(checkpoint, name);
    model?.net.dispose();
    model = { net, name };
    const c = checkpoint.config;
    setStatus('predict-model', `Model: ${name}, the ${c.preset} preset at ${modelConfigOf(c).inputSize} px after ${checkpoint.step} steps (role switch ${c.ncl.roleSwitch}).`);
    element<HTMLInputElement>('predict-images').disabled = false;
    element<HTMLButtonElement>('predict-samples').disabled = false;
  });
}

/** A download link for a PNG. */
async function pngLink(canvas: HTMLCanvasElement, fileName: string, text: string): Promise<HTMLAnchorElement> {
  const link = textElement('a', text);
  link.href = URL.createObjectURL(await canvasPng(canvas));
  link.download = fileName;
  return link;
}

/** The prediction of one image; its PNGs are offered as `<stem>.mask.png` and `<stem>.prob.png`. */
async function predictOne(net: NclNetwork, file: Blob, name: string, stem: string): Promise<HTMLElement> {
  const image = await decodeImageFile(file, name);
  const p = await predictProbability(net, image, undefined, parseScale(element<HTMLSelectElement>('predict-scale').value));
  const mask = binaryMask(p);
  const figure = document.createElement('figure');
  figure.className = 'prediction';
  const probability = greyCanvas(p);
  const pictures = document.createElement('div');
  pictures.className = 'pictures';
  pictures.append(picture(imageCanvas(image), `${name}`), picture(probability, 'p(tampered), white = 1'), picture(imageCanvas(overlay(image, mask)), 'p > 0.5 in red'));
  const links = document.createElement('p');
  links.append(await pngLink(greyCanvas(mask), `${stem}.mask.png`, `${stem}.mask.png`), ' ', await pngLink(probability, `${stem}.prob.png`, `${stem}.prob.png`));
  figure.append(textElement('figcaption', `${name}: ${predictionSummary(p, mask)}`), pictures, links);
  return figure;
}

function predict(files: { blob: Blob; name: string }[]): Promise<void> {
  return exclusive('predict-status', async () => {
    if (!model) throw new Error('Load a checkpoint first (or use the built-in model).');
    const results = element('predict-results');
    const stems = uniqueStems(files.map((f) => ({ name: f.name, label: f.name })), 'pick or drop them one at a time');
    for (const [i, f] of files.entries()) {
      setStatus('predict-status', `Predicting ${i + 1} of ${files.length}: ${f.name}…`);
      results.append(await predictOne(model.net, f.blob, f.name, stems[i]!));
    }
    setStatus('predict-status', `${files.length} image${files.length === 1 ? '' : 's'} predicted with ${model.name}.`);
  });
}

const fetchBlob = async (name: string) => (await fetchOk(name)).blob();

/** Splits dropped or picked files into a checkpoint (loaded first) and images (predicted after). */
async function takeFiles(files: File[]): Promise<void> {
  const checkpoint = files.find((f) => f.name.endsWith('.safetensors'));
  if (checkpoint) await loadModel(checkpoint, checkpoint.name);
  const images = files.filter((f) => f !== checkpoint).map((f) => ({ blob: f, name: f.name }));
  if (images.length > 0) await predict(images);
}

/** Offers prediction once the page has a device; the built-in model and samples where the site has them. */
export async function enablePredict(): Promise<void> {
  const checkpointInput = element<HTMLInputElement>('predict-checkpoint');
  const imagesInput = element<HTMLInputElement>('predict-images');
  checkpointInput.disabled = false;
  checkpointInput.addEventListener('change', () => void takeFiles([...(checkpointInput.files ?? [])]));
  imagesInput.addEventListener('change', () => void takeFiles([...(imagesInput.files ?? [])]));
  const drop = element('predict-drop');
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    void takeFiles([...(e.dataTransfer?.files ?? [])]);
  });
  const builtIn = await fetch(MODEL_FILE, { method: 'HEAD' }).then((r) => r.ok, () => false);
  if (!builtIn) return;
  const useModel = element<HTMLButtonElement>('predict-builtin');
  const useSamples = element<HTMLButtonElement>('predict-samples');
  useModel.hidden = useSamples.hidden = false;
  useModel.disabled = false;
  useModel.addEventListener('click', () => void fetchBlob(MODEL_FILE).then((blob) => loadModel(blob, MODEL_FILE), (e: Error) => setStatus('predict-model', e.message, true)));
  useSamples.addEventListener('click', () => void Promise.all(SAMPLE_FILES.map(async (name) => ({ blob: await fetchBlob(name), name }))).then(predict, (e: Error) => setStatus('predict-status', e.message, true)));
}
