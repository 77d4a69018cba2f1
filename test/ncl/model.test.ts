// The NCL network (docs/method.md §2): output shapes of the tiny preset, DeepLabV3+ parameter names,
// the paper preset (ResNet-101, output stride 16) building and running a forward pass on a small
// input, and seeded initialisation.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, tensor } from '../../src/index.ts';
import { modelConfig } from '../../src/ncl/method/model/config.ts';
import { NclNetwork } from '../../src/ncl/method/model/network.ts';
import { ResNetEncoder } from '../../src/ncl/method/model/resnet.ts';
import { Rng } from '../../src/common/rng.ts';
import { device } from '../helpers/setup.ts';

test.before(async () => {
  await device();
});

function input(batch: number, size: number) {
  return tensor(Float32Array.from({ length: batch * 3 * size * size }, (_, i) => Math.sin(i * 0.37)), [batch, 3, size, size]);
}

test('tiny: logits at the input size, pivot and both branch embeddings at stride 4; any multiple of 16 runs', () => {
  const config = modelConfig('tiny', { inputSize: 64 });
  const net = new NclNetwork(config, ['t', 'a'], 1);
  const out = net.forward(input(2, 64));
  assert.equal(out.logits.shape, [2, 2, 64, 64]);
  assert.equal(out.pivot.shape, [2, config.pivotChannels, 16, 16]);
  assert.equal(out.embeddings.t!.shape, [2, config.embedDim, 16, 16]);
  assert.equal(out.embeddings.a!.shape, [2, config.embedDim, 16, 16]);
  // any multiple of 16 runs (inference at an image's own size), the logits at that size
  assert.equal(net.forward(input(2, 32)).logits.shape, [2, 2, 32, 32]);
  assert.throws(() => net.forward(input(1, 40)), /must be \[B, 3, H, W\] with H and W multiples of 16/);
  net.dispose();
});

test('encoder: output stride 16 and 8 by dilation, low-level skip at stride 4, bottleneck blocks', () => {
  for (const [outputStride, side] of [[16, 4], [8, 8]] as const) {
    const config = modelConfig('tiny', { inputSize: 64, outputStride, block: 'bottleneck', planes: [8, 8, 16, 16] });
    const encoder = new ResNetEncoder(config, Rng.fromSeed(1));
    const { features, lowLevel } = encoder.forward(input(2, 64));
    assert.equal(features.shape, [2, 64, side, side], `output stride ${outputStride}`);
    assert.equal(lowLevel.shape, [2, 32, 16, 16]);
    encoder.dispose();
  }
  const net = new NclNetwork(modelConfig('tiny', { inputSize: 64, outputStride: 8 }), ['t'], 1);
  assert.equal(net.forward(input(2, 64)).logits.shape, [2, 2, 64, 64]);
  net.dispose();
});

test('one-head and no-head networks have only the heads they use', () => {
  const names = (branches: Array<'t' | 'a'>) => new NclNetwork(modelConfig('tiny'), branches, 1).namedParameters().map(([n]) => n);
  assert.ok(names(['t']).some((n) => n.startsWith('branch_t.')));
  assert.not.ok(names(['t']).some((n) => n.startsWith('branch_a.')));
  assert.not.ok(names([]).some((n) => n.startsWith('branch_')));
});

test('paper preset: ResNet-101 names of the DeepLabV3+ code base, and a forward pass at 64 px', async () => {
  const net = new NclNetwork(modelConfig('paper', { inputSize: 64 }), ['t', 'a'], 3);
  const state = net.stateTensors();
  const expect: Array<[string, number[]]> = [
    ['backbone.conv1.weight', [64, 3, 7, 7]],
    ['backbone.bn1.running_var', [64]],
    ['backbone.layer1.0.conv1.weight', [64, 64, 1, 1]],
    ['backbone.layer1.0.downsample.0.weight', [256, 64, 1, 1]],
    ['backbone.layer1.0.downsample.1.running_mean', [256]],
    ['backbone.layer3.22.conv3.weight', [1024, 256, 1, 1]],
    ['backbone.layer4.2.bn3.weight', [2048]],
    ['aspp.aspp1.atrous_conv.weight', [256, 2048, 1, 1]],
    ['aspp.aspp4.atrous_conv.weight', [256, 2048, 3, 3]],
    ['aspp.global_avg_pool.1.weight', [256, 2048, 1, 1]],
    ['aspp.global_avg_pool.2.running_mean', [256]],
    ['aspp.conv1.weight', [256, 1280, 1, 1]],
    ['decoder.conv1.weight', [48, 256, 1, 1]],
    ['decoder.last_conv.0.weight', [256, 304, 3, 3]],
    ['decoder.last_conv.4.weight', [256, 256, 3, 3]],
    ['decoder.last_conv.8.weight', [2, 256, 1, 1]],
    ['decoder.last_conv.8.bias', [2]],
    ['branch_t.3.weight', [128, 256, 1, 1]],
  ];
  for (const [name, shape] of expect) assert.equal(state.get(name)?.shape, shape, name);
  assert.not.ok(state.has('backbone.layer3.23.conv1.weight'), 'ResNet-101 has 23 blocks in layer3');
  net.eval();
  const out = noGrad(() => net.forward(input(1, 64)));
  assert.equal(out.logits.shape, [1, 2, 64, 64]);
  const logits = await out.logits.data();
  assert.ok(logits.every(Number.isFinite));
  net.dispose();
});

test('the same seed gives the same weights; another seed other weights', async () => {
  const weights = (seed: number) => new NclNetwork(modelConfig('tiny'), ['t'], seed).stateTensors().get('decoder.last_conv.0.weight')!.data();
  const [a, b, c] = await Promise.all([weights(4), weights(4), weights(5)]);
  assert.equal(Array.from(a), Array.from(b));
  assert.not.equal(Array.from(a.slice(0, 8)), Array.from(c.slice(0, 8)));
});

test.run();
