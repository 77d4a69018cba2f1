// Recording one kernel dispatch over storage: inputs bound first, then outputs, then uniforms.
import { runtime } from '../runtime/context.ts';
import type { Constants, Kernel } from '../runtime/pipelines.ts';
import { formatShape, type Storage } from '../storage/storage.ts';

interface LaunchCommon {
  /** The op's name, for debug reports. */
  op: string;
  reads: readonly Storage[];
  writes: readonly Storage[];
  uniforms?: ArrayBuffer;
}

/** A tiled kernel gives its own grid; a one-invocation-per-item kernel gives the item count. */
type Launch = LaunchCommon & ({ kernel: Kernel; workgroups: number | [number, number, number] } | { kernel: ItemKernel; items: number });

export function kernel(name: string, file: string, constants: Constants = {}): Kernel {
  return runtime().kernel(name, file, constants);
}

/** Workgroup size of one-invocation-per-item kernels unless a kernel declares another. */
const ITEM_WG = 256;

/** A kernel with one invocation per item, specialised with its workgroup size: the shader receives
 *  it as {{WG}} and the launch divides the item count by the same number. */
interface ItemKernel {
  readonly kernel: Kernel;
  readonly wg: number;
}

export function itemKernel(name: string, file: string, constants: Constants = {}, wg = ITEM_WG): ItemKernel {
  return { kernel: kernel(name, file, { ...constants, WG: wg }), wg };
}

export function launch(l: Launch): void {
  if (l.writes.every((t) => t.size === 0)) return;
  const rt = runtime();
  const [k, workgroups] = 'items' in l ? [l.kernel.kernel, Math.ceil(l.items / l.kernel.wg)] : [l.kernel, l.workgroups];
  rt.dispatch({ kernel: k, bindings: [...l.reads, ...l.writes].map((t) => t.binding), uniforms: l.uniforms, workgroups });
  // Debug mode checks every f32 output for NaN/Inf (integers are always finite), naming the op.
  if (!rt.debug) return;
  const shapes = (ts: readonly Storage[]) => ts.map((t) => formatShape(t.shape) + (t.dtype === 'f32' ? '' : `:${t.dtype}`)).join(' ');
  const detail = `inputs ${shapes(l.reads)} → ${shapes(l.writes)}`;
  for (const t of l.writes) if (t.dtype === 'f32') rt.debug.check({ binding: t.binding, count: t.size, op: l.op, detail });
}
