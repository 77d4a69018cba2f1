// The process-wide runtime: initialised once, used by every tensor and op.
import { parseBackend } from './adapter.ts';
import { Runtime, type KernelProfile, type RuntimeOptions } from './runtime.ts';

let current: Runtime | null = null;

/** Options from the environment: NCL_BACKEND, NCL_ADAPTER, NCL_DEBUG=1, NCL_POISON=1, NCL_PROFILE=cpu|gpu. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  const profile = env.NCL_PROFILE;
  if (profile !== undefined && profile !== 'cpu' && profile !== 'gpu') {
    throw new Error(`NCL_PROFILE must be 'cpu' or 'gpu', got '${profile}'`);
  }
  return {
    backend: parseBackend(env.NCL_BACKEND),
    adapterName: env.NCL_ADAPTER || undefined,
    debug: env.NCL_DEBUG === '1' || env.NCL_DEBUG === 'true',
    poisonBuffers: env.NCL_POISON === '1',
    profile: profile as KernelProfile | undefined,
  };
}

/** Opens the device (once). Explicit options override the environment's. */
export async function initDevice(options: RuntimeOptions = {}): Promise<Runtime> {
  if (current) return current;
  const merged = { ...optionsFromEnv(), ...definedOnly(options) };
  current = await Runtime.create(merged);
  return current;
}

export function runtime(): Runtime {
  if (!current) throw new Error('no WebGPU device: call initDevice() first');
  return current;
}

export function hasRuntime(): boolean {
  return current !== null;
}

/** Releases the device; a later initDevice() opens a new one. */
export function shutdownDevice(): void {
  current?.destroy();
  current = null;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
