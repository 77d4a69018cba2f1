// Loading WGSL kernels from shaders/, specialising them, and caching compiled pipelines.
//
// A kernel file may contain placeholders `{{NAME}}`; specialisation replaces each with a value
// (workgroup size, tile shape, an expression, a flag). The pipeline cache is keyed by the final
// WGSL text, so each specialisation compiles once. Every kernel is prefixed with shaders/common.wgsl.
// A line `//! include NAME` is replaced by shaders/NAME.wgsl (helpers several kernels share), and
// `//! include {{KEY}} from NAME, NAME…` by the one of those files that the constant KEY names
// (helpers that differ in the WGSL extensions they need). Directives (`enable …;`,
// `requires …;`, `diagnostic(…);`), which WGSL wants before any declaration, move to the top of
// the kernel. A line map keeps compile errors pointing at the file and line the code came from.
import platform from '#platform';
import { wgslHeader, type KernelInterface } from './kernel-interface.ts';

export type Constants = Record<string, string | number | boolean>;

export interface Kernel {
  /** Name shown in errors, profiles and debug reports, e.g. "matmul[tile=4x4]". */
  readonly name: string;
  readonly file: string;
  readonly pipeline: GPUComputePipeline;
  readonly code: string;
}

const sourceCache = new Map<string, string>();

/** The text of shaders/<file>.wgsl (read from disk on Node, inlined in a browser bundle). */
export function shaderSource(file: string): string {
  let text = sourceCache.get(file);
  if (text === undefined) {
    text = platform.shaderSource(file);
    sourceCache.set(file, text);
  }
  return text;
}

/** Where a line of a kernel's final WGSL came from. */
export interface SourceLine {
  file: string;
  line: number;
  /** A line of the header generated from the kernel's interface, not of the file. */
  header?: boolean;
}

export interface ExpandedSource {
  text: string;
  lines: SourceLine[];
  /** The constants that chose an included file (used up by the expansion). */
  choosers: string[];
}

const INCLUDE = /^\/\/! include (?:(\w+)|\{\{(\w+)\}\} from (\w+(?:, \w+)*))\s*$/;

/** shaders/<file>.wgsl with its `//! include` lines replaced by those files. Without `constants`
 *  an include chosen by a constant expands to every file it may name (the text the tuning cache
 *  hashes); with them, to the one named. */
export function expandedSource(file: string, constants?: Constants, including: readonly string[] = []): ExpandedSource {
  if (including.includes(file)) throw new Error(`shaders/${file}.wgsl includes itself (via ${including.join(' → ')})`);
  const parts: string[] = [];
  const lines: SourceLine[] = [];
  const choosers: string[] = [];
  shaderSource(file)
    .split('\n')
    .forEach((text, i) => {
      const include = INCLUDE.exec(text);
      if (!include) {
        parts.push(text);
        lines.push({ file, line: i + 1 });
        return;
      }
      const [, fixed, key, options] = include;
      let names = [fixed!];
      if (key) {
        names = options!.split(', ');
        if (constants) {
          const chosen = constants[key];
          if (typeof chosen !== 'string' || !names.includes(chosen)) throw new Error(`kernel ${file}.wgsl: {{${key}}} must name one of ${names.join(', ')}, got ${String(chosen)}`);
          names = [chosen];
          choosers.push(key);
        }
      }
      for (const name of names) {
        const inner = expandedSource(name, constants, [...including, file]);
        parts.push(inner.text.replace(/\n$/, ''));
        for (const line of inner.lines.slice(0, inner.text.endsWith('\n') ? -1 : undefined)) lines.push(line);
        for (const chooser of inner.choosers) choosers.push(chooser);
      }
    });
  return { text: parts.join('\n'), lines, choosers };
}

/** The kernel's source after the WGSL header generated from its interface (kernel-interface.ts). */
function withHeader(file: string, source: ExpandedSource, iface?: KernelInterface): ExpandedSource {
  if (!iface) return source;
  const header = wgslHeader(iface).split('\n');
  return { ...source, text: `${header.join('\n')}\n${source.text}`, lines: [...header.map((_, i) => ({ file, line: i + 1, header: true })), ...source.lines] };
}

/** Replaces every `{{NAME}}` by its constant; a placeholder left without a value is an error. */
export function specialise(file: string, source: string, constants: Constants, choosers: readonly string[] = []): string {
  const used = new Set<string>();
  const out = source.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in constants)) throw new Error(`kernel ${file}.wgsl: no value for placeholder {{${key}}}`);
    used.add(key);
    const v = constants[key];
    return typeof v === 'number' && !Number.isInteger(v) ? v.toExponential() : String(v);
  });
  for (const key of Object.keys(constants)) {
    if (!used.has(key) && !choosers.includes(key)) throw new Error(`kernel ${file}.wgsl: constant ${key} has no placeholder`);
  }
  return out;
}

/** A WGSL directive, which must come before every declaration of a module. */
const DIRECTIVE = /^\s*(enable|requires|diagnostic)\b[^;]*;\s*$/;

export class KernelError extends Error {}

/** A kernel that failed to compile: reported before the validation errors it causes downstream. */
export class CompileError extends KernelError {}

export class PipelineCache {
  private readonly cache = new Map<string, Kernel>();
  private readonly byConstants = new Map<string, Kernel>();
  private readonly prelude: string;
  private readonly preludeLines: SourceLine[];
  compileMs = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly watch: (found: Promise<Error | null>) => void,
  ) {
    const common = expandedSource('common');
    this.prelude = common.text;
    this.preludeLines = common.lines.slice(0, -1); // its last line is empty and joins the kernel's first
  }

  get size(): number {
    return this.cache.size;
  }

  /** The pipeline of shaders/<file>.wgsl specialised with `constants`. Looked up by file and
   *  constants first, so a dispatch in a hot loop does no text processing. */
  kernel(name: string, file: string, constants: Constants = {}, iface?: KernelInterface): Kernel {
    const key = `${file}\u0000${name}\u0000${JSON.stringify(constants)}`;
    let k = this.byConstants.get(key);
    if (!k) {
      const source = withHeader(file, expandedSource(file, constants), iface);
      k = this.compile(name, file, specialise(file, source.text, constants, source.choosers), source.lines);
      this.byConstants.set(key, k);
    }
    return k;
  }

  /** Compiles WGSL given as text (used for kernels built at run time and in tests). */
  compile(name: string, file: string, body: string, lines?: SourceLine[]): Kernel {
    const bodyLines = body.split('\n');
    const bodyMap = lines ?? bodyLines.map((_, i) => ({ file, line: i + 1 }));
    // Directives first, then the prelude, then the body with each directive's line left empty.
    const directives = bodyLines.flatMap((text, i) => (DIRECTIVE.test(text) ? [i] : []));
    const code = [...directives.map((i) => bodyLines[i]!), this.prelude + bodyLines.map((text, i) => (directives.includes(i) ? '' : text)).join('\n')].join('\n');
    const lineMap = [...directives.map((i) => bodyMap[i]!), ...this.preludeLines, ...bodyMap];
    const cached = this.cache.get(code);
    if (cached) return cached;
    const t0 = performance.now();
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: name });
    const pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: name });
    const scope = this.device.popErrorScope();
    this.compileMs += performance.now() - t0;
    this.watch(
      scope.then(async (error) => {
        if (!error) return null;
        const details = await this.describeCompilation(module, code, lineMap);
        return new CompileError(`kernel '${name}' (shaders/${file}.wgsl) failed to compile: ${error.message}${details}`);
      }),
    );
    const kernel: Kernel = { name, file, pipeline, code };
    this.cache.set(code, kernel);
    return kernel;
  }

  /** Formats the compiler's messages with the offending WGSL line, numbered as in the file. */
  private async describeCompilation(module: GPUShaderModule, code: string, lineMap: SourceLine[]): Promise<string> {
    const info = await module.getCompilationInfo();
    const lines = code.split('\n');
    const out: string[] = [];
    for (const m of info.messages) {
      const from = lineMap[m.lineNum - 1];
      const where = !from ? `line ${m.lineNum}` : from.header ? `line ${from.line} of the header generated for shaders/${from.file}.wgsl` : `shaders/${from.file}.wgsl:${from.line}`;
      out.push(`\n  ${m.type} at ${where}:${m.linePos}: ${m.message}`);
      if (m.lineNum > 0) out.push(`\n    | ${lines[m.lineNum - 1]?.trim() ?? ''}`);
    }
    return out.join('');
  }
}
