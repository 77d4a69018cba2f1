// Debug mode (NCL_DEBUG=1 or --debug): after every kernel, a check kernel flags NaN/Inf in its
// output. At the next read-back or sync the flags come back and the first flagged op is reported
// by name and shapes.
import type { BufferPool, PooledBuffer } from './buffer-pool.ts';
import type { Binding, DispatchRequest } from './dispatch.ts';
import type { Constants, Kernel } from './pipelines.ts';
import { CHECK_FINITE } from './builtin-kernels.ts';
import { packParams, type KernelInterface } from './kernel-interface.ts';

/** What the checker needs of the runtime that owns it. */
interface CheckerHost {
  readonly pool: BufferPool;
  write(buffer: PooledBuffer, data: ArrayBufferView): void;
  readRaw(buffer: PooledBuffer, bytes: number): Promise<ArrayBuffer>;
  kernel(name: string, file: string, constants: Constants, iface: KernelInterface): Kernel;
  dispatch(request: DispatchRequest): void;
}

const SLOTS = 1 << 14;
/** Workgroup size of the check kernel (its {{WG}}). */
const CHECK_WG = 256;

export class NonFiniteError extends Error {}

export class DebugChecker {
  private readonly flags: PooledBuffer;
  private entries: Array<{ op: string; detail: string }> = [];
  private overflowed = false;

  constructor(private readonly runtime: CheckerHost) {
    this.flags = runtime.pool.acquire(SLOTS * 4, 'debug flags', 'host');
    runtime.write(this.flags, new Uint32Array(SLOTS));
  }

  check(output: { binding: Binding; count: number; op: string; detail: string }): void {
    if (output.count === 0) return;
    if (this.entries.length >= SLOTS) {
      this.overflowed = true;
      return;
    }
    const slot = this.entries.length;
    this.entries.push({ op: output.op, detail: output.detail });
    const kernel = this.runtime.kernel('check_finite', CHECK_FINITE.file, { WG: CHECK_WG }, CHECK_FINITE.iface);
    this.runtime.dispatch({
      kernel,
      bindings: [output.binding, { buffer: this.flags, bytes: SLOTS * 4 }],
      uniforms: packParams(kernel.name, CHECK_FINITE.iface, { items: output.count, slot }),
      workgroups: Math.ceil(output.count / CHECK_WG),
    });
  }

  /** Releases the flags buffer; checks not yet reported are dropped. */
  dispose(): void {
    this.entries = [];
    this.runtime.pool.release(this.flags);
  }

  /** Reads the flags of every op since the last report; throws naming the first non-finite one. */
  async report(): Promise<void> {
    if (this.entries.length === 0) return;
    const entries = this.entries;
    this.entries = [];
    const flags = new Uint32Array(await this.runtime.readRaw(this.flags, entries.length * 4));
    this.runtime.write(this.flags, new Uint32Array(entries.length));
    const first = flags.findIndex((f) => f !== 0);
    if (this.overflowed) {
      this.overflowed = false;
      console.warn(`ncl debug: more than ${SLOTS} kernels between two syncs; later ones were not checked`);
    }
    if (first >= 0) {
      const e = entries[first]!;
      throw new NonFiniteError(`NaN/Inf in the output of op '${e.op}' (${e.detail}), kernel #${first + 1} since the last sync`);
    }
  }
}
