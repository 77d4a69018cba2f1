// Does the contrastive term find a signal that carries from batch to batch? Trains the tiny network
// on a training set, from scratch, on the contrastive term of head T alone (`drop` mode) or on the
// whole loss (--with-seg), either on one fixed batch or on the run's fresh batches, and prints the
// share of L_con's gap it closes on each step's batch, (collapse − L_con)/(collapse − minimum)
// (docs/method.md (5.9)–(5.10)): near 1 on a fixed batch when the gradient is right, near 0 on fresh
// batches when nothing generalises.
//   npx tsx scripts/contrastive-signal.ts --data DIR/train.json [--fixed] [--with-seg] [--steps 80]
//     [--augment full|geometric|none] [--tau 0.5] [--patch-size 16]
import { parseArgs } from 'node:util';
import { backward } from '../src/autograd/backward.ts';
import { tidy } from '../src/autograd/scope.ts';
import { Rng } from '../src/common/rng.ts';
import { openDataset } from '../src/data/dataset.ts';
import { initDevice } from '../src/index.ts';
import { stepBounds } from '../src/ncl/diagnostics/contrastive-bounds.ts';
import { nclStepLosses, planPatches } from '../src/ncl/method/step.ts';
import { buildNetwork } from '../src/ncl/train/checkpoint-codec.ts';
import { modelConfigOf, resolveTrainConfig, type TrainConfig } from '../src/ncl/train/config.ts';
import { createOptimizer } from '../src/ncl/train/optimizer.ts';
import { TrainingData } from '../src/ncl/train/data.ts';
import { listingSamples } from '../src/ncl/train/listing-samples.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    fixed: { type: 'boolean', default: false },
    'with-seg': { type: 'boolean', default: false },
    steps: { type: 'string', default: '80' },
    augment: { type: 'string', default: 'geometric' },
    tau: { type: 'string', default: '0.5' },
    'patch-size': { type: 'string', default: '16' },
  },
});
if (!values.data) throw new Error('give --data, a training set (e.g. the train.json of `ncl synth`)');
await initDevice();
const steps = Number(values.steps);
const config = resolveTrainConfig({
  lr: 6e-3,
  steps,
  warmupSteps: 5,
  augment: values.augment as TrainConfig['augment'],
  ncl: { roleSwitch: 'drop', segTamperedWeight: 3, tau: Number(values.tau), patchSize: Number(values['patch-size']) },
});
const net = buildNetwork(config);
const { optimizer, schedule } = createOptimizer(net.parameters(), config);
const inputSize = modelConfigOf(config).inputSize;
const data = new TrainingData(listingSamples(await openDataset(values.data)), { seed: 0, batchSize: config.batchSize, accumulate: 1, inputSize, augment: config.augment });
const fixed = values.fixed ? await data.batch(0, 0) : null;
console.log(`step  L_con  collapse  minimum  gap closed   (${values.fixed ? 'one fixed batch' : 'fresh batches'}, ${values['with-seg'] ? 'whole loss' : 'L_con alone'}, augment ${config.augment})`);
for (let step = 1; step <= steps; step++) {
  const batch = fixed ?? (await data.batch(step, 0));
  const plan = planPatches(batch, modelConfigOf(config).embedDim, config.ncl, Rng.fromSeed(0, step))!;
  optimizer.lr = schedule(step);
  const { con, bounds } = tidy(() => {
    const losses = nclStepLosses(net, batch, config.ncl, step, plan);
    backward(values['with-seg'] ? losses.total : losses.con[0]!);
    return { con: losses.con[0]!, bounds: stepBounds(losses, config.ncl.tau)[0]! };
  });
  optimizer.step();
  optimizer.zeroGrad();
  const value = await con.item();
  con.dispose();
  const closed = (bounds.collapse - value) / (bounds.collapse - bounds.minimum);
  console.log(`${String(step).padStart(4)}  ${value.toFixed(3)}  ${bounds.collapse.toFixed(3)}  ${bounds.minimum.toFixed(3)}  ${closed.toFixed(2)}`);
  if (!fixed) batch.images.dispose();
  plan.sample.index.dispose();
}
