// The device as applications see it (src/ncl, src/cli, src/check, bench): open and close it, say
// what it is, wait for its work, replay work with per-kernel NaN/Inf checks, and choose and tune
// kernel variants (src/runtime/variant-choices.ts, tuner.ts, tune-cache.ts). Storage and kernels
// reach the runtime itself (src/runtime/context.ts); nothing above them needs to.
import { runtime } from './runtime/context.ts';
import type { AcquiredDevice } from './runtime/adapter.ts';
import { NonFiniteError } from './runtime/debug.ts';

export { initDevice } from './runtime/context.ts';
export { NonFiniteError } from './runtime/debug.ts';
export { hasPending, startChoices, variantRecord, type TuneMode, type VariantRecord } from './runtime/variant-choices.ts';
export { tunePending, type TunedClass } from './runtime/tuner.ts';
export { clearTuneCache, forgetLoadedCache, tuneCacheFile } from './runtime/tune-cache.ts';

/** The open device's adapter: name, backend, whether it is a CPU fallback, driver. */
export function deviceAdapter(): AcquiredDevice {
  return runtime().adapter;
}

/** Runs `replay` with per-kernel NaN/Inf checks (debug mode, src/runtime/debug.ts); returns the
 *  report of the first op whose output was not finite. */
export async function findNonFiniteOp(replay: () => void): Promise<string> {
  const rt = runtime();
  const wasOn = rt.debug !== null;
  await rt.sync();
  rt.setDebug(true);
  try {
    replay();
    await rt.sync();
    return 'no kernel output was NaN/Inf when the step was replayed';
  } catch (e) {
    if (e instanceof NonFiniteError) return e.message;
    throw e;
  } finally {
    rt.setDebug(wasOn);
  }
}
