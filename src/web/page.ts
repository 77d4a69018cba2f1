// The page of `ncl web` (index.html): finds the browser's WebGPU adapter through the engine and
// states it (adapter-section.ts), then offers what runs on it: the self-check (check-section.ts),
// the benches (bench-section.ts), prediction (predict-section.ts) and training (train-section.ts).
import { initDevice } from '../runtime/context.ts';
import { deviceInfo } from '../runtime/device-info.ts';
import { showAdapter, showProblem } from './adapter-section.ts';
import { enableBenches } from './bench-section.ts';
import { enableSelfcheck } from './check-section.ts';
import { element } from './dom.ts';
import { enablePredict } from './predict-section.ts';
import { enableTraining } from './train-section.ts';
import { missingWebGpu, noAdapter } from './webgpu-advice.ts';

element('adapter-status').textContent = 'Looking for a WebGPU adapter…';
const missing = missingWebGpu(window.isSecureContext, 'gpu' in navigator);
if (missing) showProblem(missing);
else {
  try {
    showAdapter(deviceInfo(await initDevice()));
    enableSelfcheck();
    enableBenches();
    enableTraining();
    await enablePredict();
  } catch (e) {
    showProblem(noAdapter((e as Error).message));
  }
}
