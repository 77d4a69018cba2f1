// Inference at other scales than the model's input size (src/ncl/inference.ts): an image the size
// of the input gives the same map natively as resized; a wide image runs in tiles that cover it
// with the stated overlap and gives a finite map of its own size; factors resize; the network takes
// any multiple of 16 and names the rule otherwise; --scale is parsed with a clear error.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../src/autograd/tensor.ts';
import { Rng } from '../../src/common/rng.ts';
import type { RgbImage } from '../../src/data/image.ts';
import { MAX_SIDE, parseScale, predictProbability, TILE, tileStarts } from '../../src/ncl/inference.ts';
import { loadNetwork } from '../../src/ncl/train/checkpoint.ts';
import { device } from '../helpers/setup.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/checkpoint-0.1.0.safetensors', import.meta.url));

function noise(width: number, height: number, seed: number): RgbImage {
  const rng = Rng.fromSeed(seed);
  return { width, height, data: Float32Array.from({ length: width * height * 3 }, () => rng.uniform(0, 1)) };
}

test('tiles cover every length, overlap by 64 px, and end flush with the border', () => {
  for (const length of [100, TILE, TILE + 1, 1100, 4000]) {
    const starts = tileStarts(length);
    assert.is(starts[0], 0);
    assert.is(Math.min(TILE, length) + starts.at(-1)!, length, `${length}: the last tile ends at the border`);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! <= TILE - 64 && starts[i]! > starts[i - 1]!, `${length}: ${starts.join(',')}`);
  }
});

test('native on an image of the input size equals the input scale; a wide image is tiled; a factor runs resized', async () => {
  await device();
  const { net } = loadNetwork(FIXTURE); // input size 32
  const square = noise(32, 32, 1);
  const [resized, native] = [await predictProbability(net, square), await predictProbability(net, square, undefined, { kind: 'native' })];
  assert.equal([...native.data], [...resized.data]);
  const wide = noise(MAX_SIDE + 76, 40, 2);
  const tiled = await predictProbability(net, wide, undefined, { kind: 'native' });
  assert.equal([tiled.width, tiled.height], [wide.width, wide.height]);
  assert.ok(tiled.data.every((p) => p > 0 && p < 1), 'every pixel predicted');
  const half = await predictProbability(net, noise(64, 48, 3), undefined, parseScale('0.5'));
  assert.equal([half.width, half.height], [64, 48], 'the map comes back at the image size');
  net.dispose();
});

test('the network takes multiples of 16 and says so otherwise; --scale errors name the option', async () => {
  await device();
  const { net } = loadNetwork(FIXTURE);
  const x = Tensor.fromArray(new Float32Array(3 * 24 * 32), [1, 3, 24, 32]);
  assert.throws(() => net.forward(x), /network input must be \[B, 3, H, W\] with H and W multiples of 16 .*got/);
  x.dispose();
  net.dispose();
  assert.throws(() => parseScale('big'), /--scale must be input, native or a positive factor, got "big"/);
  assert.equal(parseScale('native'), { kind: 'native' });
});

test.run();
