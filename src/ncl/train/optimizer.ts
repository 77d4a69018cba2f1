// The optimiser and learning-rate schedule a config names (docs/method.md §7; equations in config.ts).
import type { Tensor } from '../../autograd/tensor.ts';
import { AdamW, SGD, type Optimizer } from '../../optim/optimizer.ts';
import { cosineWithWarmup, poly, type Schedule } from '../../optim/schedule.ts';
import { optimizerSettings, warmupOf, type TrainConfig } from './config.ts';

export function createOptimizer(params: readonly Tensor[], c: TrainConfig): { optimizer: Optimizer; schedule: Schedule } {
  const clip = c.maxGradNorm > 0 ? { maxGradNorm: c.maxGradNorm } : {};
  const { lr, weightDecay } = optimizerSettings(c);
  if (c.optimizer === 'sgd') {
    return { optimizer: new SGD(params, { lr, momentum: 0.9, weightDecay, ...clip }), schedule: poly(lr, c.steps, 0.9) };
  }
  return { optimizer: new AdamW(params, { lr, weightDecay, ...clip }), schedule: cosineWithWarmup(lr, c.steps, warmupOf(c)) };
}
