// The page's adapter section: what the browser's WebGPU adapter is (names, CPU or GPU, the kernel
// profile ncl chose, features, limits), or why there is none and what to try (webgpu-advice.ts).
import type { DeviceInfo } from '../runtime/device-info.ts';
import { element, textElement } from './dom.ts';
import type { WebGpuProblem } from './webgpu-advice.ts';

/** The limits that decide what ncl can run, shown beside the names; the rest are folded away. */
const KEY_LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'];

export function showProblem(problem: WebGpuProblem): void {
  const status = element('adapter-status');
  status.className = 'problem';
  status.setAttribute('role', 'alert');
  status.replaceChildren(textElement('strong', problem.summary));
  const list = document.createElement('ul');
  for (const line of problem.advice) list.append(textElement('li', line));
  status.append(list);
}

/** Rows of the adapter's description list: term, value. */
function adapterRows(info: DeviceInfo): Array<[string, string]> {
  return [
    ['Adapter', info.adapter],
    ['Vendor', info.vendor ?? 'not reported'],
    ['Architecture', info.architecture ?? 'not reported'],
    ['Runs on', info.fallback ? 'the CPU: a software adapter, whose timings are not GPU timings' : 'a GPU'],
    ['ncl kernel profile', `${info.profile} (the kernel variants ncl uses by default here)`],
    ['Loop cap', info.loopIterationCap === null ? 'none' : `${info.loopIterationCap} iterations per invocation (kernels split their work below it)`],
    ['Subgroups', info.subgroups ? 'yes: the kernel variants that use them can run' : 'no'],
    ['Browser', info.webgpu],
    ['Features', info.features.join(', ') || 'none'],
    ...KEY_LIMITS.filter((k) => k in info.limits).map((k): [string, string] => [k, String(info.limits[k])]),
  ];
}

export function showAdapter(info: DeviceInfo): void {
  element('adapter-status').textContent = `WebGPU adapter found: ${info.adapter}${info.fallback ? ' (a software adapter on the CPU)' : ''}.`;
  const list = element<HTMLDListElement>('adapter-info');
  for (const [term, value] of adapterRows(info)) list.append(textElement('dt', term), textElement('dd', value));
  list.hidden = false;
  const limits = element<HTMLDetailsElement>('adapter-limits');
  const body = limits.querySelector('tbody')!;
  for (const [name, value] of Object.entries(info.limits)) {
    const row = body.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = String(value);
  }
  limits.hidden = false;
}

