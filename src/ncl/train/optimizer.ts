// The optimiser and learning-rate schedule a config names (docs/method.md §7; equations in config.ts).
import type { Tensor } from '../../autograd/tensor.ts';
import { AdamW, SGD, type Optimizer } from '../../optim/optimizer.ts';
import { cosineWithWarmup, poly, type Schedule } from '../../optim/schedule.ts';
import { optimizerSettings, warmupOf, type TrainConfig } from './config.ts';

/** The learning rate at each step: AdamW's cosine with warm-up, or SGD's poly decay. */
export function scheduleOf(c: TrainConfig): Schedule {
  const { lr } = optimizerSettings(c);
  return c.optimizer === 'sgd' ? poly(lr, c.steps, 0.9) : cosineWithWarmup(lr, c.steps, warmupOf(c));
}

/** Without clipping (maxGradNorm 0), a bound no gradient reaches: the optimiser still computes the
 *  global norm each step (scale exactly 1), which the log reports and the NaN guard checks. */
const NEVER_CLIPPED = 3e38;

export function createOptimizer(params: readonly Tensor[], c: TrainConfig): { optimizer: Optimizer; schedule: Schedule } {
  const maxGradNorm = c.maxGradNorm > 0 ? c.maxGradNorm : NEVER_CLIPPED;
  const { lr, weightDecay } = optimizerSettings(c);
  const optimizer = c.optimizer === 'sgd' ? new SGD(params, { lr, momentum: 0.9, weightDecay, maxGradNorm }) : new AdamW(params, { lr, weightDecay, maxGradNorm });
  return { optimizer, schedule: scheduleOf(c) };
}
