// A kernel's interface, declared once in TypeScript: its storage bindings (name, element type,
// read or read-write) and its uniform parameters (name, type). From it come the WGSL header of the
// shader (bindings in declaration order — reads, then writes, then the uniform — and `struct
// Params`), the entry point of a one-invocation-per-item kernel, the packing of the uniforms by
// name, and the dtype checks of a launch (kernels/launch.ts). A shader file holds only its code.

/** The storage dtypes (storage.ts), by name: the runtime layer sits below storage. */
export type ElementDType = 'f32' | 'i32' | 'u32';

/** A struct stored in a buffer of 4-byte words (u32, i32 or f32 fields, no padding). */
export interface StructElement {
  struct: string;
  fields: Readonly<Record<string, 'u32' | 'i32' | 'f32'>>;
  /** The dtype of the storage that holds it (its words are that dtype's bits). */
  dtype: ElementDType;
}

/** A binding's array element: a scalar, a vector of f32, an atomic counter, a struct, or a
 *  placeholder the kernel's constants fill (`{{OUT}}`, one of the scalars). */
export type Element = 'f32' | 'u32' | 'i32' | 'vec2<f32>' | 'vec4<f32>' | 'atomic<u32>' | `{{${string}}}` | StructElement;

/** A uniform field: a scalar, or an array of n u32 vec4s (`vec4u[n]`, 4·n values, 16-byte aligned). */
export type ParamType = 'u32' | 'i32' | 'f32' | `vec4u[${number}]`;

export interface KernelInterface {
  /** Read-only storage, bound first, in this order. */
  readonly reads: Readonly<Record<string, Element>>;
  /** Read-write storage, bound after the reads. */
  readonly writes: Readonly<Record<string, Element>>;
  readonly params: Readonly<Record<string, ParamType>>;
  /** One invocation per item: the shader defines `fn item(i: u32)`, run for every i below
   *  `params.items` (a field the interface adds; the launch fills it with its item count). The
   *  workgroup size is the constant {{WG}}. */
  readonly perItem?: boolean;
}

/** shaders/<file>.wgsl and its interface. */
export interface Shader<I extends KernelInterface = KernelInterface> {
  readonly file: string;
  readonly iface: I;
}

export function shader<I extends KernelInterface>(file: string, iface: I): Shader<I> {
  return { file, iface };
}

/** The values of an interface's params, by name: numbers for scalars, lists for vec4u arrays. */
export type ParamValues = Readonly<Record<string, number | readonly number[]>>;

/** The uniform fields of `iface` in order, with `items` first in a per-item kernel. */
export function paramFields(iface: KernelInterface): Array<[string, ParamType]> {
  const own = Object.entries(iface.params);
  return iface.perItem ? [['items', 'u32'], ...own] : own;
}

const VEC4U = /^vec4u\[(\d+)\]$/;

function wgslParamType(type: ParamType): string {
  const vec = VEC4U.exec(type);
  return vec ? `array<vec4<u32>, ${vec[1]}>` : type;
}

function wgslElement(element: Element): string {
  return typeof element === 'string' ? element : element.struct;
}

/** The WGSL declarations of `iface`: structs of its bindings, the bindings, `struct Params` and
 *  its uniform binding; for a per-item kernel also the entry point `main`. */
export function wgslHeader(iface: KernelInterface): string {
  const lines: string[] = [];
  const structs = new Map<string, StructElement>();
  for (const element of [...Object.values(iface.reads), ...Object.values(iface.writes)]) {
    if (typeof element !== 'string') structs.set(element.struct, element);
  }
  for (const s of structs.values()) {
    lines.push(`struct ${s.struct} { ${Object.entries(s.fields).map(([name, type]) => `${name}: ${type}`).join(', ')} }`);
  }
  let binding = 0;
  for (const [name, element] of Object.entries(iface.reads)) lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${name}: array<${wgslElement(element)}>;`);
  for (const [name, element] of Object.entries(iface.writes)) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<${wgslElement(element)}>;`);
  const fields = paramFields(iface);
  if (fields.length > 0) {
    lines.push(`struct Params { ${fields.map(([name, type]) => `${name}: ${wgslParamType(type)}`).join(', ')} }`);
    lines.push(`@group(0) @binding(${binding}) var<uniform> params: Params;`);
  }
  if (iface.perItem) {
    lines.push(
      '@compute @workgroup_size({{WG}})',
      'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {',
      '  let i = flat_workgroup(wid, nwg) * {{WG}}u + lid;',
      '  if (i < params.items) {',
      '    item(i);',
      '  }',
      '}',
    );
  }
  return lines.join('\n');
}

/** The uniforms of `iface` packed from `values` by name (WGSL's uniform layout: 4-byte scalars,
 *  vec4 arrays at a multiple of 16 bytes, the whole padded to 16). A missing, extra or
 *  ill-typed field is an error naming the kernel and the field. */
export function packParams(kernel: string, iface: KernelInterface, values: ParamValues): ArrayBuffer | undefined {
  const fields = paramFields(iface);
  for (const name of Object.keys(values)) {
    if (!fields.some(([field]) => field === name)) throw new Error(`kernel ${kernel}: no param '${name}' (params: ${fields.map(([f]) => f).join(', ') || 'none'})`);
  }
  if (fields.length === 0) return undefined;
  const words: Array<[number, 'u32' | 'f32']> = [];
  for (const [name, type] of fields) {
    const value = values[name];
    if (value === undefined) throw new Error(`kernel ${kernel}: param '${name}' (${type}) is missing`);
    const vec = VEC4U.exec(type);
    if (vec) {
      const slots = 4 * Number(vec[1]);
      if (typeof value === 'number' || value.length > slots) throw new Error(`kernel ${kernel}: param '${name}' takes a list of at most ${slots} u32s, got ${typeof value === 'number' ? value : `${value.length} values`}`);
      while (words.length % 4 !== 0) words.push([0, 'u32']);
      for (let k = 0; k < slots; k++) words.push([checkedInteger(kernel, name, 'u32', value[k] ?? 0), 'u32']);
      continue;
    }
    if (typeof value !== 'number') throw new Error(`kernel ${kernel}: param '${name}' is a ${type}, got a list`);
    if (type === 'f32') words.push([value, 'f32']);
    else words.push([checkedInteger(kernel, name, type as 'u32' | 'i32', value) >>> 0, 'u32']);
  }
  while (words.length % 4 !== 0) words.push([0, 'u32']);
  const buffer = new ArrayBuffer(words.length * 4);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  words.forEach(([v, kind], i) => {
    if (kind === 'f32') f32[i] = v;
    else u32[i] = v;
  });
  return buffer;
}

function checkedInteger(kernel: string, name: string, type: 'u32' | 'i32', v: number): number {
  const [low, high] = type === 'u32' ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
  if (!Number.isInteger(v) || v < low || v > high) throw new Error(`kernel ${kernel}: param '${name}' must be a ${type}, got ${v}`);
  return v;
}

/** What a binding asks of the storage bound to it: its dtype, and how many values make one
 *  element (a vec4 binding needs a size that is a multiple of 4). */
export function storageClass(element: Element, constants: Readonly<Record<string, unknown>>): { dtype: ElementDType; multiple: number } {
  if (typeof element !== 'string') return { dtype: element.dtype, multiple: Object.keys(element.fields).length };
  const placeholder = /^\{\{(\w+)\}\}$/.exec(element);
  const resolved = placeholder ? String(constants[placeholder[1]!]) : element;
  switch (resolved) {
    case 'f32':
    case 'u32':
    case 'i32':
      return { dtype: resolved, multiple: 1 };
    case 'vec2<f32>':
      return { dtype: 'f32', multiple: 2 };
    case 'vec4<f32>':
      return { dtype: 'f32', multiple: 4 };
    case 'atomic<u32>':
      return { dtype: 'u32', multiple: 1 };
    default:
      throw new Error(`binding element ${element} names no storage type (constant: ${resolved})`);
  }
}
