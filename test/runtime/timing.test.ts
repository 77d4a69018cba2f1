// timeAlone (src/runtime/timing.ts): the wall clock always, and the GPU's timestamp-query time of
// the pass exactly where the device has the feature (SwiftShader in the browser suite has it;
// Dawn on llvmpipe does not). Three calls in a row: the query set and the buffers it resolves
// into are made once and reused, so each later call must still read back a time.
// browser: yes
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillKernel } from '../../src/kernels/elementwise.ts';
import { runtime } from '../../src/runtime/context.ts';
import { timeAlone } from '../../src/runtime/timing.ts';
import { device } from '../helpers/setup.ts';

test('timeAlone: host time always, GPU time where the device has timestamp queries, call after call', async () => {
  await device();
  const rt = runtime();
  const hasTimestamps = rt.device.features.has('timestamp-query');
  for (let call = 0; call < 3; call++) {
    const t = await timeAlone(rt, () => fillKernel([256, 256], call).dispose());
    assert.ok(t.hostMs > 0, `call ${call}: host time ${t.hostMs}`);
    if (hasTimestamps) assert.ok(t.gpuMs !== null && t.gpuMs >= 0, `call ${call}: GPU time ${String(t.gpuMs)}`);
    else assert.is(t.gpuMs, null, `call ${call}: no GPU time without timestamp queries`);
  }
});

test('timeAlone gives no GPU time for work that was partly submitted before its pass', async () => {
  const rt = runtime();
  const t = await timeAlone(rt, () => {
    const x = fillKernel([64], 1);
    rt.flush();
    x.dispose();
  });
  assert.is(t.gpuMs, null);
});

test.run();
