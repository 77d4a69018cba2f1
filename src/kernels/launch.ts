// Recording one kernel dispatch over storage. A shader is declared with its interface
// (runtime/kernel-interface.ts): the launch binds its storage by name, checks each one's dtype and
// size against the binding, and packs the params by name.
import { runtime } from '../runtime/context.ts';
import { packParams, shader, storageClass, type KernelInterface, type ParamValues, type Shader } from '../runtime/kernel-interface.ts';
import type { Constants, Kernel } from '../runtime/pipelines.ts';
import { formatShape, type Storage } from '../storage/storage.ts';

export { shader, type Shader };

/** A shader specialised with constants: a compiled pipeline with the interface it was built from. */
export interface DeclaredKernel<I extends KernelInterface = KernelInterface> {
  readonly kernel: Kernel;
  readonly iface: I;
  readonly constants: Constants;
}

/** Workgroup size of one-invocation-per-item kernels unless a kernel declares another. */
const ITEM_WG = 256;

/** The kernel `name` of `s` with `constants`; a per-item shader also gets its workgroup size {{WG}}
 *  (256 unless given), by which the launch divides the item count. */
export function declaredKernel<I extends KernelInterface>(s: Shader<I>, name: string, constants: Constants = {}): DeclaredKernel<I> {
  const all = s.iface.perItem && !('WG' in constants) ? { ...constants, WG: ITEM_WG } : constants;
  return { kernel: runtime().kernel(name, s.file, all, s.iface), iface: s.iface, constants: all };
}

type Bound<R> = { readonly [K in keyof R]: Storage };

interface DeclaredLaunch<I extends KernelInterface> {
  /** The op's name, for debug reports. */
  op: string;
  kernel: DeclaredKernel<I>;
  reads: Bound<I['reads']>;
  writes: Bound<I['writes']>;
  /** Every param of the interface but a per-item kernel's `items`, which the launch fills. */
  params: { readonly [K in keyof I['params']]: number | readonly number[] };
  /** A tiled kernel gives its own grid; a per-item kernel its item count. */
  workgroups?: number | [number, number, number];
  items?: number;
}

/** Checks that every binding of `iface` has storage of its dtype and element size, and no other. */
function checkBindings(k: DeclaredKernel, side: 'reads' | 'writes', bound: Readonly<Record<string, Storage>>): Storage[] {
  const declared = k.iface[side];
  for (const name of Object.keys(bound)) {
    if (!(name in declared)) throw new Error(`kernel ${k.kernel.name}: no binding '${name}' among its ${side} (${Object.keys(declared).join(', ') || 'none'})`);
  }
  return Object.entries(declared).map(([name, element]) => {
    const t = bound[name];
    if (!t) throw new Error(`kernel ${k.kernel.name}: binding '${name}' (${side}) has no storage`);
    const want = storageClass(element, k.constants);
    if (t.dtype !== want.dtype) throw new Error(`kernel ${k.kernel.name}: binding '${name}' takes ${want.dtype}, got ${t.dtype} storage of shape ${formatShape(t.shape)}`);
    if (t.size % want.multiple !== 0) throw new Error(`kernel ${k.kernel.name}: binding '${name}' reads ${want.multiple} values per element, got ${t.size} (shape ${formatShape(t.shape)})`);
    return t;
  });
}

export function launch<I extends KernelInterface>(l: DeclaredLaunch<I>): void {
  const k = l.kernel as DeclaredKernel;
  const reads = checkBindings(k, 'reads', l.reads);
  const writes = checkBindings(k, 'writes', l.writes);
  if (writes.every((t) => t.size === 0)) return;
  let workgroups: number | [number, number, number];
  let values: ParamValues = l.params;
  if (k.iface.perItem) {
    if (l.items === undefined) throw new Error(`kernel ${k.kernel.name}: a per-item kernel is launched with its item count`);
    workgroups = Math.ceil(l.items / Number(k.constants.WG));
    values = { ...values, items: l.items };
  } else {
    if (l.workgroups === undefined) throw new Error(`kernel ${k.kernel.name}: a tiled kernel is launched with its workgroups`);
    workgroups = l.workgroups;
  }
  runtime().dispatch({ kernel: k.kernel, bindings: [...reads, ...writes].map((t) => t.binding), uniforms: packParams(k.kernel.name, k.iface, values), workgroups });
  debugCheck(l.op, reads, writes);
}

function debugCheck(op: string, reads: readonly Storage[], writes: readonly Storage[]): void {
  const rt = runtime();
  // Debug mode checks every f32 output for NaN/Inf (integers are always finite), naming the op.
  if (!rt.debug) return;
  const shapes = (ts: readonly Storage[]) => ts.map((t) => formatShape(t.shape) + (t.dtype === 'f32' ? '' : `:${t.dtype}`)).join(' ');
  const detail = `inputs ${shapes(reads)} → ${shapes(writes)}`;
  for (const t of writes) if (t.dtype === 'f32') rt.debug.check({ binding: t.binding, count: t.size, op, detail });
}
