// The kernel benches' clocks (bench/harness.ts): where every timed run has the GPU's
// timestamp-query time, it is the row's `ms` (and min, max), with the wall clock apart in
// `hostMs`; where any run lacks it (an adapter without timestamps, such as Dawn on llvmpipe), `ms`
// is the wall clock and `gpuMs` null. The GPU half cannot run on a CPU adapter, so the choice is
// checked on given samples.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clocks } from '../../bench/harness.ts';

test('with timestamps on every run, ms is the GPU time and hostMs the wall clock', () => {
  const samples = [
    { hostMs: 5, gpuMs: 2 },
    { hostMs: 7, gpuMs: 1 },
    { hostMs: 6, gpuMs: 3 },
  ];
  assert.equal(clocks(samples), { ms: 2, min: 1, max: 3, gpuMs: 2, hostMs: 6 });
});

test('without timestamps on a run, ms is the wall clock and gpuMs null', () => {
  const samples = [
    { hostMs: 5, gpuMs: 2 },
    { hostMs: 7, gpuMs: null },
  ];
  assert.equal(clocks(samples), { ms: 6, min: 5, max: 7, gpuMs: null, hostMs: 6 });
});

test.run();
