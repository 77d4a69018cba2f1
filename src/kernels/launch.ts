// Recording one kernel dispatch over tensors: inputs bound first, then outputs, then uniforms.
import { runtime } from '../runtime/context.ts';
import type { Binding } from '../runtime/runtime.ts';
import type { Constants, Kernel } from '../runtime/pipelines.ts';
import { Tensor, formatShape } from '../autograd/tensor.ts';

export interface Launch {
  /** The op's name, for debug reports. */
  op: string;
  kernel: Kernel;
  /** Tensors, or raw bindings for non-f32 data such as row indices. */
  reads: ReadonlyArray<Tensor | Binding>;
  writes: readonly Tensor[];
  uniforms?: ArrayBuffer;
  workgroups: number | [number, number, number];
}

export function kernel(name: string, file: string, constants: Constants = {}): Kernel {
  return runtime().kernel(name, file, constants);
}

export function launch(l: Launch): void {
  if (l.writes.every((t) => t.size === 0)) return;
  const rt = runtime();
  const shapes = (ts: ReadonlyArray<Tensor | Binding>) => ts.map((t) => (t instanceof Tensor ? formatShape(t.shape) : `(${t.bytes / 4})`)).join(' ');
  const detail = `inputs ${shapes(l.reads)} → ${shapes(l.writes)}`;
  const [first, ...others] = l.writes;
  rt.dispatch({
    kernel: l.kernel,
    bindings: [...l.reads, ...l.writes].map((t) => (t instanceof Tensor ? t.binding : t)),
    uniforms: l.uniforms,
    workgroups: l.workgroups,
    output: first ? { binding: first.binding, count: first.size, op: l.op, detail } : undefined,
  });
  // Further outputs (optimiser state) are checked as well in debug mode.
  for (const t of others) rt.debug?.check({ binding: t.binding, count: t.size, op: l.op, detail });
}

/** Workgroup size for simple one-invocation-per-element kernels. */
export const ELEMENTWISE_WG = 256;

export function elementwiseGroups(count: number): number {
  return Math.ceil(count / ELEMENTWISE_WG);
}
