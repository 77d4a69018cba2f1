// GPU buffer pool: buffers are reused by size class and released explicitly, never left to the
// garbage collector.
//
// Size classes: 2^k, 1.25·2^k, 1.5·2^k, 1.75·2^k bytes (at most 25 % slack), from 256 bytes up.
// A released buffer waits in quarantine until the next submit: commands already recorded may
// still read it, and a queue.writeBuffer into a reused buffer would overtake them otherwise.
// When a size class has nothing free but something in quarantine, the pool asks for a submit
// (`submitPending`) instead of creating a buffer, so memory stays near the live working set.
// With `poison` on (tests, debug mode) every buffer handed out is first filled with NaN, so a
// kernel that leaves some of its outputs unwritten fails instead of passing on zeroed memory.

export interface PooledBuffer {
  readonly buffer: GPUBuffer;
  /** Capacity in bytes (the size class), at least the bytes asked for. */
  readonly capacity: number;
  released: boolean;
}

export interface PoolStats {
  /** Buffers handed out and not yet released. */
  inUse: number;
  inUseBytes: number;
  /** Buffers waiting for reuse (free or in quarantine). */
  cached: number;
  cachedBytes: number;
  /** Buffers ever created by the pool, and the largest total it held at once. */
  created: number;
  peakBytes: number;
}

export function sizeClass(bytes: number): number {
  const b = Math.max(256, Math.ceil(bytes / 4) * 4);
  const k = Math.floor(Math.log2(b));
  const base = 2 ** k;
  for (const step of [1, 1.25, 1.5, 1.75, 2]) {
    if (b <= base * step) return base * step;
  }
  return base * 2;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private quarantine: PooledBuffer[] = [];
  private readonly quarantinedByClass = new Map<number, number>();
  private inUse = 0;
  private inUseBytes = 0;
  private cachedBytes = 0;
  private cachedCount = 0;
  private created = 0;
  private peakBytes = 0;
  /** Fill each buffer handed out with NaN (see the header). */
  poison = false;
  private nanBytes = new Uint8Array(0);

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBinding: number,
    private readonly submitPending: () => void,
  ) {}

  acquire(bytes: number, label = 'tensor'): PooledBuffer {
    const capacity = sizeClass(bytes);
    if (bytes > this.maxBinding) {
      const mib = (this.maxBinding / 2 ** 20).toFixed(0);
      throw new Error(`cannot allocate a ${bytes}-byte buffer for ${label}: this adapter binds at most ${this.maxBinding} bytes (${mib} MiB) per storage buffer`);
    }
    if (!this.free.get(capacity)?.length && this.quarantinedByClass.get(capacity)) this.submitPending();
    let buffer = this.free.get(capacity)?.pop();
    if (buffer) {
      this.cachedBytes -= capacity;
      this.cachedCount--;
    } else {
      buffer = this.device.createBuffer({ size: Math.min(capacity, this.maxBinding), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label });
      this.created++;
    }
    this.inUse++;
    this.inUseBytes += capacity;
    this.peakBytes = Math.max(this.peakBytes, this.inUseBytes + this.cachedBytes);
    if (this.poison) this.fillWithNaN(buffer);
    return { buffer, capacity, released: false };
  }

  /** Safe like any upload here: a reused buffer left quarantine only after a submit. */
  private fillWithNaN(buffer: GPUBuffer): void {
    if (this.nanBytes.byteLength < buffer.size) this.nanBytes = new Uint8Array(new Float32Array(buffer.size / 4).fill(NaN).buffer);
    this.device.queue.writeBuffer(buffer, 0, this.nanBytes, 0, buffer.size);
  }

  release(pooled: PooledBuffer): void {
    if (pooled.released) return;
    pooled.released = true;
    this.inUse--;
    this.inUseBytes -= pooled.capacity;
    this.cachedBytes += pooled.capacity;
    this.cachedCount++;
    this.quarantine.push(pooled);
    this.quarantinedByClass.set(pooled.capacity, (this.quarantinedByClass.get(pooled.capacity) ?? 0) + 1);
  }

  /** Called after each submit: quarantined buffers become reusable. */
  afterSubmit(): void {
    for (const p of this.quarantine) {
      const list = this.free.get(p.capacity) ?? [];
      list.push(p.buffer);
      this.free.set(p.capacity, list);
    }
    this.quarantine = [];
    this.quarantinedByClass.clear();
  }

  /** Destroys every cached buffer (in-use buffers are untouched). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    for (const [capacity, list] of this.free) {
      this.cachedBytes -= capacity * list.length;
      this.cachedCount -= list.length;
    }
    this.free.clear();
  }

  resetPeak(): void {
    this.peakBytes = this.inUseBytes + this.cachedBytes;
  }

  stats(): PoolStats {
    return {
      inUse: this.inUse,
      inUseBytes: this.inUseBytes,
      cached: this.cachedCount,
      cachedBytes: this.cachedBytes,
      created: this.created,
      peakBytes: this.peakBytes,
    };
  }
}
