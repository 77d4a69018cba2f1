// `ncl info [--json]`: which adapter ncl runs on, and what it allows.
import type { Command } from 'commander';
import { openDevice } from '../device-options.ts';
import type { Runtime } from '../../runtime/runtime.ts';

export function deviceInfo(rt: Runtime): Record<string, unknown> {
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
    node: process.version,
    features: [...rt.device.features].sort(),
    limits,
  };
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the WebGPU adapter, backend, limits and versions')
    .option('--json', 'one JSON object')
    .action(async (o: { json?: boolean }) => {
      const info = deviceInfo(await openDevice());
      if (o.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      const limits = info.limits as Record<string, number>;
      console.log(`adapter   ${String(info.adapter)}`);
      console.log(`backend   ${String(info.backend)}${info.fallback ? ' (CPU fallback: numbers from it are not GPU numbers)' : ''}`);
      console.log(`profile   ${String(info.profile)} kernels`);
      console.log(`loops     ${info.loopIterationCap === null ? 'no cap' : `the driver ends a shader invocation's loops after ${String(info.loopIterationCap)} iterations (kernels split their work below that)`}`);
      console.log(`subgroups ${info.subgroups ? 'used where a kernel variant has them (ncl tune times them)' : 'not available (needs the subgroups feature and WGSL subgroup_id)'}`);
      console.log(`driver    ${String(info.driver)}`);
      console.log(`webgpu    ${String(info.webgpu)} (Dawn for Node), node ${String(info.node)}`);
      console.log(`features  ${(info.features as string[]).join(', ') || 'none'}`);
      console.log('limits');
      for (const [k, v] of Object.entries(limits)) console.log(`  ${k.padEnd(44)} ${v}`);
    });
}
