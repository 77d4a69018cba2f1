// Opening a device on the best WebGPU adapter the platform offers (src/platform: Dawn on Node, or
// the browser's), with the adapter's own limits and features, and what ncl needs to know about
// the adapter: whether it runs on the CPU and whether its driver caps shader loops.
import platform from '#platform';
import type { AdapterChoice } from '../platform/platform.ts';

export interface AcquiredDevice {
  /** The WebGPU entry point: must stay referenced while the device lives, or the collector frees it. */
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
  /** True when kernels may use subgroup operations: the device has the `subgroups` feature and
   *  WGSL the `subgroup_id` language feature (each invocation's subgroup within its workgroup). */
  subgroups: boolean;
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

/** Opens a device on the best adapter, requesting the adapter's own limits and features. */
export async function acquireDevice(choice: AdapterChoice = {}): Promise<AcquiredDevice> {
  const { gpu, adapter, backend } = await platform.findAdapter(choice);
  const info = adapter.info;
  const requiredLimits: Record<string, number> = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(adapter.limits))) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: [...adapter.features] as GPUFeatureName[] });
  const description = [info.device, info.description].filter(Boolean).join(' / ') || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return {
    gpu,
    adapter,
    device,
    backend,
    ...adapterTraits(`${info.description} ${info.device} ${info.architecture}`, (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true),
    subgroups: device.features.has('subgroups') && gpu.wgslLanguageFeatures.has('subgroup_id'),
    description,
    vendor: info.vendor,
    architecture: info.architecture,
    driver: driverVersion(info),
    webgpuVersion: platform.webgpuVersion(),
  };
}

/** Dawn puts the driver's own version string in the description (e.g. "OpenGL 4.5 Mesa 22.3.6"). */
function driverVersion(info: GPUAdapterInfo): string {
  const text = `${info.description}`;
  const mesa = /Mesa [\d.]+/.exec(text);
  if (mesa) return mesa[0];
  return text || 'unknown';
}
