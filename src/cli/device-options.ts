// The global --backend and --debug options, handed to initDevice as options (the environment's
// NCL_* variables still apply where an option is not given); NCL_TUNE, read here and passed to
// training and the benches as their `tune` option.
import { initDevice } from '../device.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { TuneMode } from '../device.ts';
import { parseBackend, type RuntimeOptions } from '../platform/platform.ts';
import { debugFromEnv } from '../platform/node.ts';

let chosen: RuntimeOptions = {};

export function setDeviceOptions(o: { backend?: string; debug?: boolean }): void {
  chosen = { backend: o.backend === undefined ? undefined : parseBackend(o.backend), debug: o.debug ? true : undefined };
}

/** Opens the device (once) with the command line's choices. */
export function openDevice(): Promise<Runtime> {
  return initDevice(chosen);
}

/** Whether --debug or NCL_DEBUG asked for debug mode (stack traces on errors too). */
export function debugRequested(): boolean {
  return chosen.debug === true || debugFromEnv();
}

/** Kernel tuning for training and the benches: NCL_TUNE=off keeps the profile's defaults; unset or
 *  'on', the tuning cache is read and an unseen shape class tuned once. */
export function tuneModeFromEnv(env: Record<string, string | undefined> = process.env): TuneMode {
  const v = env.NCL_TUNE;
  if (v === undefined || v === '' || v === 'on') return 'lazy';
  if (v === 'off') return 'off';
  throw new Error(`NCL_TUNE must be 'on' or 'off', got '${v}'`);
}
