// What the adapter ncl runs on is and allows, for `ncl info` and the browser page: its names, the
// kernel profile ncl chose for it, whether it runs on the CPU, its features and every limit.
import type { Runtime } from './runtime.ts';

export interface DeviceInfo {
  backend: string;
  adapter: string;
  vendor: string | null;
  architecture: string | null;
  /** True for an adapter that emulates a GPU on the CPU (llvmpipe, SwiftShader, …). */
  fallback: boolean;
  profile: string;
  loopIterationCap: number | null;
  subgroups: boolean;
  driver: string;
  webgpu: string;
  features: string[];
  limits: Record<string, number>;
}

export function deviceInfo(rt: Runtime): DeviceInfo {
  const a = rt.adapter;
  const limits: Record<string, number> = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(rt.limits))) {
    const v = (rt.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') limits[key] = v;
  }
  return {
    backend: a.backend,
    adapter: a.description,
    vendor: a.vendor || null,
    architecture: a.architecture || null,
    fallback: a.fallback,
    profile: rt.profile,
    loopIterationCap: a.loopIterationCap,
    subgroups: a.subgroups,
    driver: a.driver,
    webgpu: a.webgpuVersion,
    features: [...rt.device.features].sort(),
    limits,
  };
}
