// The page of `ncl selfcheck --browser`: runs the self-check on the browser's WebGPU adapter and
// posts the adapter, each result and the end to the runner (src/platform/chromium.ts).
import { initDevice } from '../runtime/context.ts';
import { adapterSummary, runSelfcheck } from './selfcheck.ts';

let queue = Promise.resolve();
/** Posts in order: each event waits for the one before. */
const post = (event: Record<string, unknown>) => (queue = queue.then(() => fetch('/event', { method: 'POST', body: JSON.stringify(event) }).then(() => {})));

try {
  await post({ type: 'adapter', ...adapterSummary(await initDevice()) });
  await runSelfcheck((r) => void post({ type: 'result', ...r }));
  await post({ type: 'done' });
} catch (e) {
  await post({ type: 'crash', error: (e as Error).message });
}
