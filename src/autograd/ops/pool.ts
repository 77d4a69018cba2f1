// Pooling over NCHW maps with gradients: max pool (the gradient goes to each window's first
// maximum, whose position the forward pass saves), average pool (spread evenly over the window),
// and global average pool.
import { poolGeometry, poolGradKernel, poolKernel, type PoolGeometry, type PoolOptions } from '../../kernels/pool.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { mean } from './reduce.ts';

const poolOp = defineOp<PoolGeometry>({
  name: 'pool2d',
  forward: ([x], g, recording) => {
    const y = poolKernel(x!, g);
    return g.max && recording ? { output: y, saved: [poolKernel(x!, g, true)] } : y;
  },
  backward: (grad, { inputs: [x], attrs: g, saved: [argmax] }) => [Tensor.wrap(poolGradKernel((argmax ?? x!).storage, grad.storage, g))],
});

export function maxPool2d(x: Tensor, options: PoolOptions): Tensor {
  return poolOp([x], poolGeometry('maxPool2d', x.shape, options, true));
}

export function avgPool2d(x: Tensor, options: PoolOptions): Tensor {
  return poolOp([x], poolGeometry('avgPool2d', x.shape, options, false));
}

/** Mean over H and W: [N, C, H, W] → [N, C, 1, 1]. */
export function globalAvgPool(x: Tensor): Tensor {
  if (x.rank !== 4) throw new Error(`globalAvgPool: input must be NCHW, got ${x.describe()}`);
  return mean(x, [2, 3], true);
}
