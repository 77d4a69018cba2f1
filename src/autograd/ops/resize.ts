// Resizing NCHW maps: bilinear (alignCorners true or false, up or down) with its gradient, and
// nearest (for masks; its gradient sums each output into the input it copied).
//   y[oy, ox] = Σ_{a,b} wy_a(oy)·wx_b(ox)·x[iy_a(oy), ix_b(ox)],  dx = the transpose of that map.
import { resizeGradKernel, resizeKernel, type ResizeSpec } from '../../kernels/resize.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';

const resizeOp = defineOp<ResizeSpec>({
  name: 'resize',
  forward: ([x], spec) => resizeKernel(x!, spec),
  backward: (g, { inputs: [x], attrs: spec }) => [Tensor.wrap(resizeGradKernel(g.storage, x!.shape, spec))],
});

function checkSize(op: string, x: Tensor, size: readonly [number, number]): void {
  if (x.rank !== 4) throw new Error(`${op}: input must be NCHW, got ${x.describe()}`);
  if (size.length !== 2 || size.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`${op}: size must be two positive integers, got [${size.join(',')}]`);
}

/** Bilinear resize of x [N, C, H, W] to [N, C, size[0], size[1]] (PyTorch's align_corners). */
export function resizeBilinear(x: Tensor, size: readonly [number, number], options: { alignCorners?: boolean } = {}): Tensor {
  checkSize('resizeBilinear', x, size);
  return resizeOp([x], { size: [size[0], size[1]], mode: 'bilinear', alignCorners: options.alignCorners ?? false });
}

/** Nearest resize (PyTorch's 'nearest': source index ⌊o·in/out⌋), for masks and labels. */
export function resizeNearest(x: Tensor, size: readonly [number, number]): Tensor {
  checkSize('resizeNearest', x, size);
  return resizeOp([x], { size: [size[0], size[1]], mode: 'nearest', alignCorners: false });
}
