// Finding a WebGPU adapter and opening a device on it, headless on Node through Dawn.
//
// Order: the platform's default adapter (Vulkan, Metal, D3D12); if there is none, Dawn's OpenGL
// backend on Mesa llvmpipe through EGL with no display (compatibility feature level). A forced
// backend (`--backend`, NCL_BACKEND) skips the search and opens exactly that one.
import { createRequire } from 'node:module';
import { create, globals } from 'webgpu';

/** The Debian packages that give Dawn's OpenGL backend a CPU adapter (Mesa llvmpipe). */
export const MESA_PACKAGES = ['libegl1', 'libegl-mesa0', 'libgl1-mesa-dri'];

type FeatureLevel = 'core' | 'compatibility';

export const BACKENDS = ['auto', 'vulkan', 'metal', 'd3d12', 'opengl', 'opengles'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface AdapterChoice {
  /** 'auto' tries the default adapter, then the OpenGL fallback. */
  backend?: BackendChoice;
  /** Substring of the adapter name, passed to Dawn to pick one of several adapters. */
  adapterName?: string;
}

export interface AcquiredDevice {
  /** Dawn's instance: must stay referenced while the device lives, or the collector frees it. */
  gpu: GPU;
  adapter: GPUAdapter;
  device: GPUDevice;
  backend: string;
  /** True when the adapter runs on the CPU (llvmpipe, lavapipe, SwiftShader, …), whatever the
   *  backend: its numbers are not GPU numbers, and it gets the `cpu` kernel profile. */
  fallback: boolean;
  /** Loop iterations one shader invocation may run in all before the driver silently ends its
   *  loops (Mesa's gallivm drivers: llvmpipe, lavapipe, softpipe), or null where there is no cap. */
  loopIterationCap: number | null;
  description: string;
  vendor: string;
  architecture: string;
  driver: string;
  webgpuVersion: string;
}

/** Adapters that emulate a GPU on the CPU, by the names their drivers report. */
const CPU_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe/i;
/** Mesa's gallivm drivers end every loop of an invocation after 65 535 iterations in all (one
 *  counter for all loops); SwiftShader has no such cap. */
const LOOP_CAPPED_ADAPTER = /llvmpipe|lavapipe|softpipe/i;
const GALLIVM_LOOP_CAP = 65535;

/** What the adapter's own name says about it, whatever backend reached it. */
export function adapterTraits(identity: string, isFallbackAdapter: boolean): Pick<AcquiredDevice, 'fallback' | 'loopIterationCap'> {
  return {
    fallback: isFallbackAdapter || CPU_ADAPTER.test(identity),
    loopIterationCap: LOOP_CAPPED_ADAPTER.test(identity) ? GALLIVM_LOOP_CAP : null,
  };
}

let globalsInstalled = false;

function installGlobals(): void {
  if (globalsInstalled) return;
  Object.assign(globalThis, globals);
  // EGL must be told there is no display before Dawn's OpenGL backend starts.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  globalsInstalled = true;
}

export function webgpuPackageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('webgpu/package.json') as { version: string }).version;
}

export function parseBackend(value: string | undefined): BackendChoice {
  const v = (value ?? 'auto').toLowerCase();
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new Error(`unknown backend '${value}' (from --backend or NCL_BACKEND): expected one of ${BACKENDS.join(', ')}`);
  }
  return v as BackendChoice;
}

async function tryAdapter(backend: string, featureLevel: FeatureLevel, adapterName?: string) {
  const flags: string[] = [];
  if (backend !== 'default') flags.push(`backend=${backend}`);
  if (adapterName) flags.push(`adapter=${adapterName}`);
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' });
  return adapter ? { gpu, adapter, backend } : null;
}

function describeFailure(tried: string[]): string {
  return [
    `no WebGPU adapter found (tried: ${tried.join(', ')}).`,
    'On a machine without a GPU, ncl runs on Mesa llvmpipe through Dawn\'s OpenGL backend.',
    `On Debian/Ubuntu install it with:  apt-get update && apt-get install -y ${MESA_PACKAGES.join(' ')}`,
    'With a GPU, install its driver and the Vulkan loader (libvulkan1).',
  ].join('\n');
}

/** Opens a device on the best adapter, requesting the adapter's own limits. */
export async function acquireDevice(choice: AdapterChoice = {}): Promise<AcquiredDevice> {
  installGlobals();
  const backend = choice.backend ?? 'auto';
  const attempts: Array<[string, FeatureLevel]> =
    backend === 'auto'
      ? [['default', 'core'], ['opengl', 'compatibility']]
      : backend === 'opengl' || backend === 'opengles'
        ? [[backend, 'compatibility']]
        : [[backend, 'core']];
  const tried: string[] = [];
  let found: { gpu: GPU; adapter: GPUAdapter; backend: string } | null = null;
  for (const [b, level] of attempts) {
    tried.push(b === 'default' ? 'the default adapter' : `${b} (${level})`);
    found = await tryAdapter(b, level, choice.adapterName);
    if (found) break;
  }
  if (!found) throw new Error(describeFailure(tried));

  const { adapter } = found;
  const info = adapter.info;
  const requiredLimits: Record<string, number> = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(adapter.limits))) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: [...adapter.features] as GPUFeatureName[] });
  const description = [info.device, info.description].filter(Boolean).join(' / ') || info.vendor || 'unknown adapter';
  const traits = adapterTraits(`${info.description} ${info.device} ${info.architecture}`, (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
  const resolvedBackend = found.backend === 'default' ? guessBackend(info) : found.backend;
  return {
    gpu: found.gpu,
    adapter,
    device,
    backend: resolvedBackend,
    ...traits,
    description,
    vendor: info.vendor,
    architecture: info.architecture,
    driver: driverVersion(info),
    webgpuVersion: webgpuPackageVersion(),
  };
}

function guessBackend(info: GPUAdapterInfo): string {
  if (process.platform === 'darwin') return 'metal';
  if (process.platform === 'win32') return 'd3d12';
  return /opengl|mesa/i.test(info.description) ? 'opengl' : 'vulkan';
}

/** Dawn puts the driver's own version string in the description (e.g. "OpenGL 4.5 Mesa 22.3.6"). */
function driverVersion(info: GPUAdapterInfo): string {
  const text = `${info.description}`;
  const mesa = /Mesa [\d.]+/.exec(text);
  if (mesa) return mesa[0];
  return text || 'unknown';
}
