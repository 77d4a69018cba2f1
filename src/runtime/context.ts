// The process-wide runtime: initialised once, used by every tensor and op.
import platform from '#platform';
import { Runtime, type RuntimeOptions } from './runtime.ts';

let current: Runtime | null = null;

/** Opens the device (once). Explicit options override the environment's (on Node: NCL_BACKEND,
 *  NCL_ADAPTER, NCL_DEBUG=1, NCL_POISON=1, NCL_PROFILE=cpu|gpu). */
export async function initDevice(options: RuntimeOptions = {}): Promise<Runtime> {
  if (current) return current;
  const merged = { ...platform.environmentOptions(), ...definedOnly(options) };
  current = await Runtime.create(merged);
  return current;
}

export function runtime(): Runtime {
  if (!current) throw new Error('no WebGPU device: call initDevice() first');
  return current;
}

/** Releases the device; a later initDevice() opens a new one. */
export function shutdownDevice(): void {
  current?.destroy();
  current = null;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
