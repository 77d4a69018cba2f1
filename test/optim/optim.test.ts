// SGD and AdamW kernels against a float64 CPU reference of their update rules over several steps,
// with and without clipping by global norm (tolerance atol 1e-6 rtol 1e-5 on the weights);
// optimiser state export/restore (bit-identical continuation); learning-rate schedules.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ncl from '../../src/index.ts';
import { adamwStepRef, clipScaleRef, sgdStepRef } from '../../src/check/optim-reference.ts';
import { cosineWithWarmup, poly } from '../../src/optim/schedule.ts';
import { assertClose, device, randomArr, rng } from '../helpers/setup.ts';

const random = rng(7);

test.before(async () => {
  await device();
});

/** Sets p.grad to the given values (as backward would). */
function setGrad(p: ncl.Tensor, g: Float64Array): void {
  p.zeroGrad();
  p.grad = ncl.keep(ncl.tensor(Float32Array.from(g), p.shape));
}

for (const maxGradNorm of [undefined, 0.5]) {
  const label = maxGradNorm === undefined ? '' : ' with clipping to norm 0.5';
  test(`SGD momentum 0.9, weight decay 1e-2, 4 steps${label}`, async () => {
    const w0 = [randomArr([3, 5], random).data, randomArr([7], random).data];
    const params = w0.map((w, i) => ncl.tensor(Float32Array.from(w), i === 0 ? [3, 5] : [7], { requiresGrad: true }));
    const opt = new ncl.SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 1e-2, maxGradNorm });
    const w = w0.map((x) => Float64Array.from(x));
    const v = w0.map((x) => new Float64Array(x.length));
    for (let step = 0; step < 4; step++) {
      const grads = w.map((x) => randomArr([x.length], random).data);
      params.forEach((p, i) => setGrad(p, grads[i]!));
      opt.step();
      const scale = clipScaleRef(grads, maxGradNorm);
      w.forEach((x, i) => sgdStepRef(x, v[i]!, grads[i]!, { lr: 0.1, momentum: 0.9, weightDecay: 1e-2, scale }));
    }
    for (let i = 0; i < params.length; i++) assertClose(await params[i]!.data(), w[i]!, 1e-6, 1e-5, `SGD param ${i}`);
    if (maxGradNorm !== undefined) assert.ok((await opt.lastClip!.data())[0]! < 1, 'clipping was active');
    opt.dispose();
  });

  test(`AdamW β=(0.9, 0.999), weight decay 0.05, 5 steps${label}`, async () => {
    const w0 = randomArr([4, 9], random).data;
    const p = ncl.tensor(Float32Array.from(w0), [4, 9], { requiresGrad: true });
    const opt = new ncl.AdamW([p], { lr: 0.01, weightDecay: 0.05, maxGradNorm });
    const w = Float64Array.from(w0);
    const m = new Float64Array(w.length);
    const v = new Float64Array(w.length);
    for (let t = 1; t <= 5; t++) {
      const grad = randomArr([w.length], random).data;
      setGrad(p, grad);
      opt.step();
      adamwStepRef(w, m, v, grad, t, { lr: 0.01, weightDecay: 0.05, scale: clipScaleRef([grad], maxGradNorm) });
    }
    assertClose(await p.data(), w, 1e-6, 1e-5, 'AdamW weights');
    opt.dispose();
  });
}

test('global gradient norm of 17 tensors of odd sizes (three dispatches of partial sums): float64 reference (rtol 1e-5), the same bits twice, a few dispatches', async () => {
  // Sizes below, at and above the 1024-element tile, and a count that leaves a remainder group.
  const sizes = [1, 3, 1023, 1024, 1025, 2049, 5000, 7, 64, 65, 999, 3001, 17, 4096, 4097, 2, 33];
  const grads = sizes.map((n) => randomArr([n], random, -2, 2).data);
  const tensors = grads.map((g) => ncl.keep(ncl.tensor(Float32Array.from(g), [g.length])));
  const rt = await device();
  const before = rt.dispatches;
  const result = ncl.globalNormScale(tensors, 0.5);
  const poisonFills = rt.pool.poison ? 2 : 0; // the partials and the result
  assert.is(rt.dispatches - before, Math.ceil(sizes.length / 7) + 1 + poisonFills, 'dispatches');
  const got = await result.data();
  let squares = 0;
  for (const g of grads) for (const v of g) squares += v * v;
  assertClose([got[1]!], [Math.sqrt(squares)], 0, 1e-5, 'norm');
  assertClose([got[0]!], [clipScaleRef(grads, 0.5)], 0, 1e-5, 'scale');
  const again = ncl.globalNormScale(tensors, 0.5);
  assert.equal(Array.from(await again.data()), Array.from(got), 'the same bits on a second run');
  const unclipped = ncl.globalNormScale(tensors, 1e6);
  assert.is((await unclipped.data())[0], 1, 'no scaling below maxNorm');
  for (const t of [result, again, unclipped, ...tensors]) t.dispose();
});

test('a parameter without a gradient is left unchanged', async () => {
  const a = ncl.tensor([1, 2], [2], { requiresGrad: true });
  const b = ncl.tensor([3, 4], [2], { requiresGrad: true });
  const opt = new ncl.SGD([a, b], { lr: 0.5 });
  setGrad(a, Float64Array.from([1, 1]));
  opt.step();
  assert.equal(Array.from(await a.data()), [0.5, 1.5]);
  assert.equal(Array.from(await b.data()), [3, 4]);
  opt.dispose();
});

test('a regression trained end to end converges (the README example)', async () => {
  const n = 64;
  const xs = randomArr([n, 3], random).data;
  const ys = Float64Array.from({ length: n }, (_, i) => 1.5 * xs[3 * i]! - 2 * xs[3 * i + 1]! + 0.5 * xs[3 * i + 2]! + 0.3);
  const x = ncl.tensor(Float32Array.from(xs), [n, 3]);
  const y = ncl.tensor(Float32Array.from(ys), [n, 1]);
  const w = ncl.zeros([3, 1], { requiresGrad: true });
  const b = ncl.zeros([1], { requiresGrad: true });
  const opt = new ncl.AdamW([w, b], { lr: 0.05, weightDecay: 0 });
  let loss = Infinity;
  for (let step = 0; step < 200; step++) {
    const l = ncl.tidy(() => {
      const mse = ncl.mean(ncl.square(ncl.sub(ncl.add(ncl.matmul(x, w), b), y)));
      ncl.backward(mse);
      return mse;
    });
    opt.step();
    opt.zeroGrad();
    if (step === 199) loss = await l.item();
    l.dispose();
  }
  assert.ok(loss < 1e-6, `final loss ${loss}`);
  assertClose(await w.data(), [1.5, -2, 0.5], 1e-3, 0, 'learned weights');
  opt.dispose();
});

test('optimizer state round trip: a restored AdamW continues exactly as the original', async () => {
  const w0 = Float32Array.from(randomArr([10], random).data);
  const grads = Array.from({ length: 6 }, () => randomArr([10], random).data);
  const make = () => {
    const p = ncl.tensor(w0, [10], { requiresGrad: true });
    return { p, opt: new ncl.AdamW([p], { lr: 0.01 }) };
  };
  const a = make();
  for (let t = 0; t < 3; t++) {
    setGrad(a.p, grads[t]!);
    a.opt.step();
  }
  const state = await a.opt.exportState(['w']);
  assert.equal([...state.keys()], ['w.exp_avg', 'w.exp_avg_sq']);
  const b = make();
  b.p.assign(await a.p.data());
  b.opt.loadState(state, ['w'], a.opt.stepCount);
  for (let t = 3; t < 6; t++) {
    for (const run of [a, b]) {
      setGrad(run.p, grads[t]!);
      run.opt.step();
    }
  }
  assert.equal(Array.from(await b.p.data()), Array.from(await a.p.data()));
  assert.throws(() => b.opt.loadState(new Map([['w.exp_avg', { shape: [10], data: new Float32Array(10) }]]), ['w'], 1), /lacks 'w.exp_avg_sq'/);
  a.opt.dispose();
  b.opt.dispose();
});

test('learning-rate schedules: warm-up, cosine decay and poly', () => {
  const cos = cosineWithWarmup(0.1, 110, 10, 0.001);
  assert.ok(Math.abs(cos(0) - 0.01) < 1e-12);
  assert.ok(Math.abs(cos(9) - 0.1) < 1e-12);
  assert.ok(Math.abs(cos(10) - 0.1) < 1e-12);
  assert.ok(Math.abs(cos(60) - (0.001 + 0.099 * 0.5)) < 1e-12);
  assert.ok(Math.abs(cos(110) - 0.001) < 1e-12);
  const p = poly(0.01, 100, 0.9);
  assert.ok(Math.abs(p(0) - 0.01) < 1e-15);
  assert.ok(Math.abs(p(50) - 0.01 * 0.5 ** 0.9) < 1e-15);
  assert.is(p(100), 0);
  assert.throws(() => cosineWithWarmup(0.1, 10, 10), /warmup < total/);
});

for (const kind of ['SGD', 'AdamW'] as const) {
  test(`${kind}: a step whose guard is not finite leaves weights and state as they were; a finite guard changes nothing`, async () => {
    const make = () => {
      const p = ncl.tensor([0.5, -1, 2], [3], { requiresGrad: true });
      const opt = kind === 'SGD' ? new ncl.SGD([p], { lr: 0.1, momentum: 0.9 }) : new ncl.AdamW([p], { lr: 0.1 });
      return { p, opt };
    };
    const guarded = make();
    const plain = make();
    for (const { p, opt } of [guarded, plain]) {
      setGrad(p, Float64Array.from([0.1, 0.2, -0.3]));
      opt.step();
    }
    const before = await guarded.p.data();
    const state = await guarded.opt.exportState(['p']);
    // A non-finite guard (a NaN loss, say) with NaN gradients: nothing moves on the device.
    for (const bad of [NaN, Infinity]) {
      setGrad(guarded.p, Float64Array.from([NaN, NaN, NaN]));
      const guard = ncl.tensor([bad], [1]);
      guarded.opt.step(guard);
      guard.dispose();
      guarded.opt.forgetStep();
      assert.equal(Array.from(await guarded.p.data()), Array.from(before), `weights after a guard of ${bad}`);
      for (const [name, slot] of await guarded.opt.exportState(['p'])) assert.equal(Array.from(slot.data), Array.from(state.get(name)!.data), `${name} after a guard of ${bad}`);
    }
    assert.is(guarded.opt.stepCount, 1);
    // A finite guard: the same bits as a step without one.
    const guard = ncl.tensor([123.5], [1]);
    for (const { p, opt } of [guarded, plain]) {
      setGrad(p, Float64Array.from([-0.4, 0.05, 0.3]));
      opt.step(p === guarded.p ? guard : undefined);
    }
    assert.equal(Array.from(await guarded.p.data()), Array.from(await plain.p.data()));
    guard.dispose();
    for (const { p, opt } of [guarded, plain]) {
      opt.dispose();
      p.zeroGrad();
      p.dispose();
    }
  });
}

test.run();
