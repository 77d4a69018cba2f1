// 2-D convolution with gradients (NCHW input, OIHW weight, as PyTorch lays them out).
//   y  = conv(x, w) (+ bias per output channel)
//   dx = the transposed convolution of dy with w;  dw = Σ_{n, pixels} dy ⊗ patches(x);  db = Σ dy
// The bias is a broadcast add, so its gradient is the fixed-order sum over batch and space.
import { conv2dForwardKernel, conv2dInputGradKernel, conv2dWeightGradKernel } from '../../kernels/conv.ts';
import { convGeometry, type ConvGeometry, type Conv2dOptions } from '../../kernels/conv-geometry.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { add } from './elementwise.ts';
import { reshape } from './shape.ts';

const conv2dOp = defineOp<ConvGeometry>({
  name: 'conv2d',
  forward: ([x, w], geometry) => conv2dForwardKernel(x!, w!, geometry),
  backward: (g, { inputs: [x, w], attrs: geometry }) => [
    x!.requiresGrad ? Tensor.wrap(conv2dInputGradKernel(g.storage, w!.storage, geometry)) : null,
    w!.requiresGrad ? Tensor.wrap(conv2dWeightGradKernel(g.storage, x!.storage, geometry)) : null,
  ],
});

/** conv2d(x [N, Cin, H, W], w [Cout, Cin/groups, KH, KW], bias [Cout]?) → [N, Cout, Ho, Wo]. */
export function conv2d(x: Tensor, w: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const geometry = convGeometry(x.shape, w.shape, options);
  const y = conv2dOp([x, w], geometry);
  if (!bias) return y;
  if (bias.rank !== 1 || bias.shape[0] !== geometry.Cout) {
    throw new Error(`conv2d: bias ${bias.describe()} must have one value per output channel (${geometry.Cout})`);
  }
  return add(y, reshape(bias, [geometry.Cout, 1, 1]));
}
