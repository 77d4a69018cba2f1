// The runtime: one device, its buffer pool and pipeline cache, and the queue of recorded dispatches.
//
// Dispatches are recorded, not submitted: many go into one compute pass and one submit (at most
// `maxDispatchesPerSubmit`, or whenever results are read back: the copy for the read-back goes into
// the same submit), so a training step and the read-back of its losses are one submit.
// Uniform parameters of all the dispatches of a submit live in one buffer written just before that
// submit; bind groups come from a cache (bind-groups.ts), so a repeated step creates none.
import type { KernelProfile, RuntimeOptions } from '../platform/platform.ts';
import { acquireDevice, type AcquiredDevice } from './adapter.ts';
import { BindGroupCache } from './bind-groups.ts';
import { BufferPool, type PooledBuffer } from './buffer-pool.ts';
import { CompileError, KernelError, PipelineCache, type Constants, type Kernel } from './pipelines.ts';
import { DebugChecker } from './debug.ts';
import type { DispatchRequest } from './dispatch.ts';
import { StagingBuffers } from './staging.ts';
import { FILL } from './builtin-kernels.ts';
import { packParams, type KernelInterface } from './kernel-interface.ts';

export type { KernelProfile, RuntimeOptions } from '../platform/platform.ts';
export type { Binding, DispatchRequest } from './dispatch.ts';

interface Recorded {
  request: DispatchRequest;
  uniformOffset: number;
  grid: [number, number, number];
}

export class Runtime {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly bindGroups: BindGroupCache;
  readonly profile: KernelProfile;
  readonly maxDispatchesPerSubmit = 4096;
  private checker: DebugChecker | null = null;
  private readonly poisonAlways: boolean;
  private pending: Recorded[] = [];
  private uniformBytes = 0;
  private uniformBuffer: GPUBuffer | null = null;
  private readonly uniformAlign: number;
  private errors: Error[] = [];
  private readonly observers = new Set<(request: DispatchRequest) => void>();
  private inflightChecks: Promise<void>[] = [];
  private lost: Error | null = null;
  private closing = false;
  /** Counts since the device opened (bench train reports them per step). */
  submits = 0;
  dispatches = 0;
  readBacks = 0;
  /** Buffers the runtime made itself (uniform arena, read-back staging); the pool counts its own. */
  get buffersCreated(): number {
    return this.uniformBuffersCreated + this.staging.created;
  }
  private uniformBuffersCreated = 0;
  private readonly staging: StagingBuffers;

  constructor(
    readonly adapter: AcquiredDevice,
    options: RuntimeOptions,
  ) {
    this.device = adapter.device;
    this.uniformAlign = this.device.limits.minUniformBufferOffsetAlignment;
    this.pool = new BufferPool(
      this.device,
      Math.min(this.device.limits.maxBufferSize, this.device.limits.maxStorageBufferBindingSize),
      (pooled) => this.fillNaN(pooled),
    );
    this.pipelines = new PipelineCache(this.device, (found) => this.watch(found));
    this.bindGroups = new BindGroupCache(this.device);
    this.staging = new StagingBuffers(this.device);
    this.profile = options.profile ?? (adapter.fallback ? 'cpu' : 'gpu');
    this.device.addEventListener('uncapturederror', (ev) => {
      this.errors.push(new Error(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`));
    });
    void this.device.lost.then((info) => {
      if (this.closing) return;
      this.lost = new Error(`WebGPU device lost (${info.reason}): ${info.message || 'no message'}. Restart the run; GPU state is gone.`);
    });
    this.poisonAlways = options.poisonBuffers ?? false;
    this.setDebug(options.debug ?? false);
  }

  static async create(options: RuntimeOptions = {}): Promise<Runtime> {
    return new Runtime(await acquireDevice(options), options);
  }

  /** The per-kernel NaN/Inf checker, when debug mode is on. */
  get debug(): DebugChecker | null {
    return this.checker;
  }

  /** Turns the per-kernel NaN/Inf checks and buffer poisoning on or off (e.g. to replay one failing step). */
  setDebug(on: boolean): void {
    this.pool.poison = on || this.poisonAlways;
    if (on && !this.checker) this.checker = new DebugChecker(this);
    if (!on && this.checker) {
      this.checker.dispose();
      this.checker = null;
    }
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  kernel(name: string, file: string, constants: Constants = {}, iface?: KernelInterface): Kernel {
    return this.pipelines.kernel(name, file, constants, iface);
  }

  /** Splits a workgroup count into a grid within maxComputeWorkgroupsPerDimension. */
  fold(workgroups: number): [number, number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups <= max) return [Math.max(1, workgroups), 1, 1];
    const y = Math.ceil(workgroups / max);
    if (y > max) throw new Error(`dispatch of ${workgroups} workgroups exceeds ${max}² (the adapter's 2-D limit)`);
    return [Math.ceil(workgroups / y), y, 1];
  }

  /** Records a dispatch that fills the whole buffer with NaN (poisoned buffers, see buffer-pool.ts). */
  private fillNaN(pooled: PooledBuffer): void {
    const count = pooled.buffer.size / 4;
    const kernel = this.kernel('fill', FILL.file, { WG: 256 }, FILL.iface);
    this.dispatch({ kernel, bindings: [{ buffer: pooled, bytes: pooled.buffer.size }], uniforms: packParams(kernel.name, FILL.iface, { items: count, value: NaN }), workgroups: Math.ceil(count / 256) });
  }

  /** Calls `observer` with every dispatch recorded from now on (profilers); returns the function
   *  that stops it. */
  observeDispatches(observer: (request: DispatchRequest) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  dispatch(request: DispatchRequest): void {
    this.throwIfBroken();
    for (const observe of this.observers) observe(request);
    const grid = typeof request.workgroups === 'number' ? this.fold(request.workgroups) : request.workgroups;
    let uniformOffset = -1;
    if (request.uniforms) {
      uniformOffset = this.uniformBytes;
      this.uniformBytes += Math.ceil(request.uniforms.byteLength / this.uniformAlign) * this.uniformAlign;
    }
    this.pending.push({ request, uniformOffset, grid });
    this.dispatches++;
    if (this.pending.length >= this.maxDispatchesPerSubmit) this.flush();
  }

  /** Submits every recorded dispatch in one compute pass; `timestamps` has the pass write its
   *  start and end times (timing.ts). */
  flush(timestamps?: GPUComputePassTimestampWrites): void {
    this.submit({ ...(timestamps ? { timestamps } : {}) });
  }

  /** One submit: the recorded dispatches in one compute pass, then `copy` (a read-back's), if any. */
  private submit(o: { timestamps?: GPUComputePassTimestampWrites; copy?: (encoder: GPUCommandEncoder) => void }): void {
    if (this.pending.length === 0 && !o.copy) {
      this.pool.afterSubmit(); // nothing recorded can still use a released buffer
      return;
    }
    this.throwIfBroken();
    const batch = this.pending;
    this.pending = [];
    const uniforms = this.writeUniforms(batch);
    this.device.pushErrorScope('validation');
    const encoder = this.device.createCommandEncoder();
    if (batch.length > 0) {
      const pass = encoder.beginComputePass(o.timestamps ? { timestampWrites: o.timestamps } : {});
      for (const r of batch) {
        const slices = r.request.bindings.map((b) => ({ buffer: b.buffer.buffer, offset: 0, size: Math.max(4, b.bytes) }));
        if (r.request.uniforms && uniforms) slices.push({ buffer: uniforms, offset: r.uniformOffset, size: r.request.uniforms.byteLength });
        pass.setPipeline(r.request.kernel.pipeline);
        pass.setBindGroup(0, this.bindGroups.get(r.request.kernel.pipeline, slices));
        pass.dispatchWorkgroups(r.grid[0], r.grid[1], r.grid[2]);
      }
      pass.end();
    }
    o.copy?.(encoder);
    this.device.queue.submit([encoder.finish()]);
    this.submits++;
    const names = [...new Set(batch.map((r) => r.request.kernel.name)), ...(o.copy ? ['read-back copy'] : [])];
    this.watch(
      this.device.popErrorScope().then((error) =>
        error ? new KernelError(`a dispatch failed validation (kernels in that submit: ${names.join(', ')}): ${error.message}`) : null,
      ),
    );
    this.pool.afterSubmit();
  }

  private writeUniforms(batch: Recorded[]): GPUBuffer | null {
    if (this.uniformBytes === 0) return null;
    const size = this.uniformBytes;
    this.uniformBytes = 0;
    if (!this.uniformBuffer || this.uniformBuffer.size < size) {
      this.uniformBuffer?.destroy();
      this.uniformBuffersCreated++;
      this.uniformBuffer = this.device.createBuffer({
        size: Math.max(4096, 2 ** Math.ceil(Math.log2(size))),
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        label: 'uniform arena',
      });
    }
    const staging = new Uint8Array(size);
    for (const r of batch) {
      const u = r.request.uniforms;
      if (!u) continue;
      const bytes = u instanceof ArrayBuffer ? new Uint8Array(u) : new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
      staging.set(bytes, r.uniformOffset);
    }
    this.device.queue.writeBuffer(this.uniformBuffer, 0, staging);
    return this.uniformBuffer;
  }

  /** Uploads data into a buffer: one acquired for the host ('host', see buffer-pool.ts), or any
   *  buffer after a flush (Storage.write). The write lands before work recorded but not submitted. */
  write(buffer: PooledBuffer, data: ArrayBufferView, offset = 0): void {
    this.throwIfBroken();
    this.device.queue.writeBuffer(buffer.buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Copies `bytes` of a buffer back to the CPU after all recorded work, then reports errors. */
  async read(buffer: PooledBuffer, bytes: number): Promise<ArrayBuffer> {
    const out = await this.readRaw(buffer, bytes);
    await this.checkErrors();
    return out;
  }

  /** Copies a buffer back without checking for errors (the debug checker's own read). */
  async readRaw(buffer: PooledBuffer, bytes: number): Promise<ArrayBuffer> {
    this.readBacks++;
    const size = Math.max(4, Math.ceil(bytes / 4) * 4); // copies and mappings are in 4-byte units
    const staging = this.staging.take(size);
    this.submit({ copy: (encoder) => encoder.copyBufferToBuffer(buffer.buffer, 0, staging, 0, size) });
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
    } catch (e) {
      staging.destroy();
      this.throwIfBroken();
      throw e;
    }
    const out = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    this.staging.give(staging);
    return out;
  }

  async readFloats(buffer: PooledBuffer, count: number): Promise<Float32Array> {
    return new Float32Array(await this.read(buffer, count * 4));
  }

  /** Waits for all submitted work, then throws the first error reported meanwhile. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
  }

  /** Collects an error that the device reports asynchronously (compile or validation). */
  private watch(found: Promise<Error | null>): void {
    this.inflightChecks.push(
      found.then((e) => {
        if (e) this.errors.push(e);
      }),
    );
  }

  async checkErrors(): Promise<void> {
    const checks = this.inflightChecks;
    this.inflightChecks = [];
    await Promise.all(checks);
    if (this.debug) await this.debug.report();
    this.throwIfBroken();
  }

  private throwIfBroken(): void {
    if (this.lost) throw this.lost;
    // A compile error explains the "invalid pipeline" validation errors that follow it.
    const e = this.errors.find((x) => x instanceof CompileError) ?? this.errors.shift();
    if (e) {
      this.errors = [];
      throw e;
    }
  }

  destroy(): void {
    this.closing = true;
    this.pending = [];
    this.pool.trim();
    this.uniformBuffer?.destroy();
    this.staging.destroy();
    this.device.destroy();
  }
}
