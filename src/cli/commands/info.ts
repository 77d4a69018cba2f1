// `ncl info [--json]`: which adapter ncl runs on, and what it allows.
import type { Command } from 'commander';
import { openDevice } from '../device-options.ts';
import { deviceInfo } from '../../runtime/device-info.ts';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print the WebGPU adapter, backend, limits and versions')
    .option('--json', 'one JSON object')
    .action(async (o: { json?: boolean }) => {
      const info = { ...deviceInfo(await openDevice()), node: process.version };
      if (o.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      console.log(`adapter   ${String(info.adapter)}`);
      console.log(`backend   ${String(info.backend)}${info.fallback ? ' (CPU fallback: numbers from it are not GPU numbers)' : ''}`);
      console.log(`profile   ${String(info.profile)} kernels`);
      console.log(`loops     ${info.loopIterationCap === null ? 'no cap' : `the driver ends a shader invocation's loops after ${String(info.loopIterationCap)} iterations (kernels split their work below that)`}`);
      console.log(`subgroups ${info.subgroups ? 'used where a kernel variant has them (ncl tune times them)' : 'not available (needs the subgroups feature and WGSL subgroup_id)'}`);
      console.log(`driver    ${String(info.driver)}`);
      console.log(`webgpu    ${String(info.webgpu)} (Dawn for Node), node ${String(info.node)}`);
      console.log(`features  ${info.features.join(', ') || 'none'}`);
      console.log('limits');
      for (const [k, v] of Object.entries(info.limits)) console.log(`  ${k.padEnd(44)} ${v}`);
    });
}
