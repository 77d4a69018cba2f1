// Row gather and its scatter gradient, with repeated and unused rows. Forward exact; gradient
// against finite differences (atol 1e-4 rtol 1e-3) and, for determinism, bit-identical twice.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { checkOp } from '../helpers/gradcheck.ts';
import { arr } from '../../src/check/reference.ts';
import { device, randomArr, rng, toTensor } from '../helpers/setup.ts';

const random = rng(6);

test.before(async () => {
  await device();
});

test('gatherRows with duplicates and skipped rows, forward and gradient', async () => {
  const indices = [4, 0, 4, 2, 4, 6, 0];
  const index = new ncl.RowIndex(Int32Array.from(indices), 7);
  await checkOp({
    name: 'gatherRows',
    inputs: [randomArr([7, 3, 5], random)],
    gpu: ([x]) => ncl.gatherRows(x!, index),
    ref: ([x]) => {
      const out = arr([indices.length, 3, 5]);
      indices.forEach((r, i) => out.data.set(x!.data.subarray(r * 15, r * 15 + 15), i * 15));
      return out;
    },
    fwdAtol: 0,
    fwdRtol: 0,
  });
  index.dispose();
});

test('scatter of a gather gradient is deterministic', async () => {
  const n = 3000;
  const indices = Int32Array.from({ length: n }, () => Math.floor(random() * 17));
  const index = new ncl.RowIndex(indices, 17);
  const x = toTensor(randomArr([17, 64], random), true);
  const g = toTensor(randomArr([n, 64], random));
  const run = async () => {
    ncl.tidy(() => ncl.backward(ncl.gatherRows(x, index), g));
    const d = await x.grad!.data();
    x.zeroGrad();
    return Array.from(d);
  };
  assert.equal(await run(), await run());
  index.dispose();
});

test('an index out of range names the position', () => {
  assert.throws(() => new ncl.RowIndex(Int32Array.from([0, 5]), 5), /row index 5 at position 1 is outside \[0, 5\)/);
});

test.run();
