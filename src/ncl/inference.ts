// Inference on one image (docs/method.md §1, the authors' demo): resize to the model's input size,
// normalise, run the network, take softmax channel 1 (tampered), and resize the probability map
// back to the image's own size.
import { tidy, noGrad } from '../autograd/scope.ts';
import { Tensor } from '../autograd/tensor.ts';
import type { ProbabilityMap, RgbImage } from '../data/image.ts';
import { resizeBilinear } from '../metrics/resize.ts';
import type { NclNetwork, NetworkOutput } from './method/model/network.ts';
import { normaliseInto, resizeImage } from './preprocess.ts';

/** Looks at the whole output of the forward pass (e.g. the embeddings) before it is released. */
export type InspectOutput = (out: NetworkOutput) => Promise<void>;

/** p(tampered) at the network's input size, row-major S×S; the network runs in eval mode. */
export async function predictAtInputSize(net: NclNetwork, image: RgbImage, inspect?: InspectOutput): Promise<ProbabilityMap> {
  const size = net.config.inputSize;
  const input = new Float32Array(3 * size * size);
  normaliseInto(resizeImage(image, size, size), input, 0);
  const wasTraining = net.training;
  net.eval();
  const out = noGrad(() => tidy(() => net.forward(Tensor.fromArray(input, [1, 3, size, size]))));
  net.train(wasTraining);
  let values: Float32Array;
  try {
    if (inspect) await inspect(out);
    values = await out.logits.data();
  } finally {
    for (const t of [out.logits, out.pivot, ...Object.values(out.embeddings)]) t.dispose();
  }
  const plane = size * size;
  const data = new Float32Array(plane);
  // softmax over two channels: p1 = 1 / (1 + e^(l0 − l1))
  for (let i = 0; i < plane; i++) data[i] = 1 / (1 + Math.exp(values[i]! - values[plane + i]!));
  return { width: size, height: size, data };
}

/** p(tampered) at the image's size. */
export async function predictProbability(net: NclNetwork, image: RgbImage, inspect?: InspectOutput): Promise<ProbabilityMap> {
  return resizeBilinear(await predictAtInputSize(net, image, inspect), image.width, image.height);
}
