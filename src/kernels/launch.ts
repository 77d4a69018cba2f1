// Recording one kernel dispatch over storage: inputs bound first, then outputs, then uniforms.
import { runtime } from '../runtime/context.ts';
import type { Constants, Kernel } from '../runtime/pipelines.ts';
import { formatShape, type Storage } from '../storage/storage.ts';

export interface Launch {
  /** The op's name, for debug reports. */
  op: string;
  kernel: Kernel;
  reads: readonly Storage[];
  writes: readonly Storage[];
  uniforms?: ArrayBuffer;
  workgroups: number | [number, number, number];
}

export function kernel(name: string, file: string, constants: Constants = {}): Kernel {
  return runtime().kernel(name, file, constants);
}

export function launch(l: Launch): void {
  if (l.writes.every((t) => t.size === 0)) return;
  const rt = runtime();
  const shapes = (ts: readonly Storage[]) => ts.map((t) => formatShape(t.shape) + (t.dtype === 'f32' ? '' : `:${t.dtype}`)).join(' ');
  const detail = `inputs ${shapes(l.reads)} → ${shapes(l.writes)}`;
  // Debug mode checks the f32 outputs for NaN/Inf (integers are always finite).
  const [first, ...others] = l.writes.filter((t) => t.dtype === 'f32');
  rt.dispatch({
    kernel: l.kernel,
    bindings: [...l.reads, ...l.writes].map((t) => t.binding),
    uniforms: l.uniforms,
    workgroups: l.workgroups,
    output: first ? { binding: first.binding, count: first.size, op: l.op, detail } : undefined,
  });
  for (const t of others) rt.debug?.check({ binding: t.binding, count: t.size, op: l.op, detail });
}

/** Workgroup size for simple one-invocation-per-element kernels. */
export const ELEMENTWISE_WG = 256;

export function elementwiseGroups(count: number): number {
  return Math.ceil(count / ELEMENTWISE_WG);
}
