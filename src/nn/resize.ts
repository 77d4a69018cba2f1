// Bilinear resize of [N, C, h, w] maps to [N, C, H, W] with align_corners = true (the DeepLabV3+
// code base's convention: corner pixels map onto corner pixels, src = dst · (in − 1) / (out − 1)).
// Separable, so it is two matrix products with interpolation matrices R_h [H, h] and R_w [W, w]:
//   Y = R_h · X · R_wᵀ  per map;  the gradient comes from matmul's.
import { matmul } from '../autograd/ops/matmul.ts';
import { reshape, transpose } from '../autograd/ops/shape.ts';
import { Tensor } from '../autograd/tensor.ts';

/** Row i holds the weights of the input samples that output sample i interpolates. */
export function interpolationMatrix(inSize: number, outSize: number): Float32Array {
  const r = new Float32Array(outSize * inSize);
  const scale = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  for (let i = 0; i < outSize; i++) {
    const src = i * scale;
    const lo = Math.min(Math.floor(src), inSize - 1);
    const hi = Math.min(lo + 1, inSize - 1);
    const t = src - lo;
    r[i * inSize + lo]! += 1 - t;
    r[i * inSize + hi]! += t;
  }
  return r;
}

export function resizeBilinear(x: Tensor, height: number, width: number): Tensor {
  if (x.rank !== 4) throw new Error(`resizeBilinear: input must be [N, C, H, W], got ${x.describe()}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h === height && w === width) return x;
  const rw = Tensor.fromArray(interpolationMatrix(w, width), [width, w]);
  const rh = Tensor.fromArray(interpolationMatrix(h, height), [height, h]);
  const alongWidth = matmul(reshape(x, [n * c * h, w]), rw, { transB: true }); // [N·C·h, W]
  const columns = transpose(reshape(alongWidth, [n * c, h, width])); // [N·C, W, h]
  const both = matmul(reshape(columns, [n * c * width, h]), rh, { transB: true }); // [N·C·W, H]
  return reshape(transpose(reshape(both, [n * c, width, height])), [n, c, height, width]);
}
