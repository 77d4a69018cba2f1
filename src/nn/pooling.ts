// Max pooling (the ResNet stem's 3×3, stride 2, padding 1) as a composition of engine ops: pad with
// a large negative value, take the k² shifted windows, their elementwise maximum, then every
// stride-th position. max's gradient routes each output's gradient to its window's maximum.
import { concat, reshape, slice } from '../autograd/ops/shape.ts';
import { max } from '../autograd/ops/reduce.ts';
import { fillKernel } from '../kernels/elementwise.ts';
import type { Tensor } from '../autograd/tensor.ts';

const PAD_VALUE = -1e30;

export interface PoolOptions {
  kernel: number;
  stride: number;
  padding: number;
}

function padSpatial(x: Tensor, p: number): Tensor {
  if (p === 0) return x;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const side = fillKernel([n, c, h, p], PAD_VALUE);
  const rows = concat([side, x, side], 3);
  const band = fillKernel([n, c, p, w + 2 * p], PAD_VALUE);
  return concat([band, rows, band], 2);
}

export function maxPool2d(x: Tensor, { kernel: k, stride: s, padding: p }: PoolOptions): Tensor {
  if (x.rank !== 4) throw new Error(`maxPool2d: input must be [N, C, H, W], got ${x.describe()}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const padded = padSpatial(x, p);
  // Window maxima at every stride-1 position (ho1 × wo1), then every s-th of them.
  const ho1 = h + 2 * p - k + 1;
  const wo1 = w + 2 * p - k + 1;
  const windows: Tensor[] = [];
  for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) windows.push(reshape(slice(padded, [0, 0, dy, dx], [n, c, ho1, wo1]), [1, n, c, ho1, wo1]));
  const dense = reshape(max(concat(windows, 0), 0), [n, c, ho1, wo1]);
  const ho = Math.floor((ho1 - 1) / s) + 1;
  const wo = Math.floor((wo1 - 1) / s) + 1;
  if (s === 1) return dense;
  // Pad the dense map to a multiple of s, view as [.., ho, s, wo, s] and keep offset 0 of each.
  const grown = padTo(dense, ho * s, wo * s);
  const strided = slice(reshape(grown, [n, c, ho, s, wo, s]), [0, 0, 0, 0, 0, 0], [n, c, ho, 1, wo, 1]);
  return reshape(strided, [n, c, ho, wo]);
}

/** Extends the last two axes to (height, width) ≥ their sizes with the pad value. */
function padTo(x: Tensor, height: number, width: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  let y = x;
  if (width > w) y = concat([y, fillKernel([n, c, h, width - w], PAD_VALUE)], 3);
  if (height > h) y = concat([y, fillKernel([n, c, height - h, width], PAD_VALUE)], 2);
  return y;
}
