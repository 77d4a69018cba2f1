// The global --backend and --debug options, handed to initDevice as options (the environment's
// NCL_* variables still apply where an option is not given).
import { initDevice } from '../device.ts';
import type { Runtime } from '../runtime/runtime.ts';
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
