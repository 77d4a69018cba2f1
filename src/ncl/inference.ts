// Inference on one image (docs/method.md §1, the authors' demo): resize to the model's input size,
// normalise, run the network, take softmax channel 1 (tampered), and resize the probability map
// back to the image's own size. Other scales (`ncl eval --scale`): the image's own pixels
// ('native') or the image resized by a factor, run at that size: the sides padded by repeating the
// border up to multiples of 16, and an image with a side above MAX_SIDE cut into overlapping tiles
// of TILE px whose probabilities are averaged where they overlap (memory stays that of one tile,
// so a 4000 px photo fits; each tile's ASPP image pooling sees only the tile).
import { tidy, noGrad } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import type { ProbabilityMap, RgbImage } from '../data/image.ts';
import { resizeBilinear } from '../metrics/resize.ts';
import type { NclNetwork, NetworkOutput } from './method/model/network.ts';
import { INPUT_MULTIPLE } from './method/model/network.ts';
import { normaliseInto, resizeImage } from './preprocess.ts';

/** Looks at the whole output of the forward pass (e.g. the embeddings) before it is released. */
export type InspectOutput = (out: NetworkOutput) => Promise<void>;

/** p(tampered) at the network's input size, row-major S×S; the network runs in eval mode. */
export async function predictAtInputSize(net: NclNetwork, image: RgbImage, inspect?: InspectOutput): Promise<ProbabilityMap> {
  const size = net.config.inputSize;
  const input = new Float32Array(3 * size * size);
  normaliseInto(resizeImage(image, size, size), input, 0);
  return { width: size, height: size, data: await probabilities(net, input, size, size, inspect) };
}

/** The scale at which an image is run: the model's input size, its own pixels, or its size × factor. */
export type InferenceScale = { kind: 'input' } | { kind: 'native' } | { kind: 'factor'; factor: number };

export const INPUT_SCALE: InferenceScale = { kind: 'input' };
/** Images with a side above this are run in tiles. */
export const MAX_SIDE = 1024;
export const TILE = 512;
const TILE_OVERLAP = 64;

/** "input (128 px)", "native", "× 0.5": said wherever scores are given. */
export function describeScale(scale: InferenceScale, inputSize: number): string {
  return scale.kind === 'input' ? `input (every image resized to ${inputSize} px)` : scale.kind === 'native' ? 'native (each image at its own pixels)' : `× ${scale.factor} (each image resized by ${scale.factor})`;
}

/** Parses --scale: 'input', 'native' or a positive factor. */
export function parseScale(text: string): InferenceScale {
  if (text === 'input' || text === 'native') return { kind: text };
  const factor = Number(text);
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`--scale must be input, native or a positive factor, got "${text}"`);
  return { kind: 'factor', factor };
}

/** p(tampered) at the image's size, the image run at `scale`. */
export async function predictProbability(net: NclNetwork, image: RgbImage, inspect?: InspectOutput, scale: InferenceScale = INPUT_SCALE): Promise<ProbabilityMap> {
  if (scale.kind === 'input') return resizeBilinear(await predictAtInputSize(net, image, inspect), image.width, image.height);
  const run = scale.kind === 'native' ? image : resizeImage(image, Math.max(1, Math.round(image.width * scale.factor)), Math.max(1, Math.round(image.height * scale.factor)));
  const map = run.width > MAX_SIDE || run.height > MAX_SIDE ? await predictTiled(net, run) : await predictAtOwnSize(net, run);
  return resizeBilinear(map, image.width, image.height);
}

/** The image's pixels from (x0, y0), w×h, the border repeated where the window leaves the image. */
function window(image: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y0 + y));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x0 + x));
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = image.data[(sy * image.width + sx) * 3 + c]!;
    }
  }
  return { width: w, height: h, data };
}

const roundUp = (v: number) => Math.ceil(v / INPUT_MULTIPLE) * INPUT_MULTIPLE;

/** p(tampered) of the image run at its own size (padded to multiples of 16, the padding cut off). */
async function predictAtOwnSize(net: NclNetwork, image: RgbImage): Promise<ProbabilityMap> {
  const [w, h] = [roundUp(image.width), roundUp(image.height)];
  const padded = window(image, 0, 0, w, h);
  const input = new Float32Array(3 * w * h);
  normaliseInto(padded, input, 0);
  const p = await probabilities(net, input, h, w);
  const data = new Float32Array(image.width * image.height);
  for (let y = 0; y < image.height; y++) data.set(p.subarray(y * w, y * w + image.width), y * image.width);
  return { width: image.width, height: image.height, data };
}

/** Tiles of TILE px overlapping by TILE_OVERLAP, the last of a row or column flush with the border. */
export function tileStarts(length: number): number[] {
  if (length <= TILE) return [0];
  const starts: number[] = [];
  for (let s = 0; s + TILE < length; s += TILE - TILE_OVERLAP) starts.push(s);
  starts.push(length - TILE);
  return starts;
}

/** p(tampered) of a large image, tile by tile, averaged where tiles overlap. */
async function predictTiled(net: NclNetwork, image: RgbImage): Promise<ProbabilityMap> {
  const sum = new Float32Array(image.width * image.height);
  const count = new Uint16Array(image.width * image.height);
  for (const y0 of tileStarts(image.height)) {
    for (const x0 of tileStarts(image.width)) {
      const tile = window(image, x0, y0, Math.min(TILE, image.width), Math.min(TILE, image.height));
      const p = await predictAtOwnSize(net, tile);
      for (let y = 0; y < tile.height; y++) {
        for (let x = 0; x < tile.width; x++) {
          const q = (y0 + y) * image.width + x0 + x;
          sum[q]! += p.data[y * tile.width + x]!;
          count[q]!++;
        }
      }
    }
  }
  return { width: image.width, height: image.height, data: sum.map((v, q) => v / count[q]!) };
}

/** Softmax channel 1 of the network in eval mode on one normalised h×w input (planar CHW). */
async function probabilities(net: NclNetwork, input: Float32Array, h: number, w: number, inspect?: InspectOutput): Promise<Float32Array> {
  const wasTraining = net.training;
  net.eval();
  const out = noGrad(() => tidy(() => net.forward(Tensor.fromArray(input, [1, 3, h, w]))));
  net.train(wasTraining);
  let values: Float32Array;
  try {
    if (inspect) await inspect(out);
    values = await out.logits.data();
  } finally {
    for (const t of [out.logits, out.pivot, ...Object.values(out.embeddings)]) t.dispose();
  }
  const plane = h * w;
  const data = new Float32Array(plane);
  // softmax over two channels: p1 = 1 / (1 + e^(l0 − l1))
  for (let i = 0; i < plane; i++) data[i] = 1 / (1 + Math.exp(values[i]! - values[plane + i]!));
  return data;
}
