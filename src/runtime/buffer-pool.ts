// GPU buffer pool: buffers are reused by size class and released explicitly, never left to the
// garbage collector.
//
// Size classes: 2^k, 1.25·2^k, 1.5·2^k, 1.75·2^k bytes (at most 25 % slack), from 256 bytes up.
// A released buffer is "recent" until the next submit: commands already recorded may still use
// it. A kernel may take a recent buffer for its output at once — dispatches run in the order they
// were recorded, so its writes come after the old owner's last use. Data uploaded from the host
// may not: queue.writeBuffer would land before the recorded commands run, so host-written buffers
// come only from those released before the last submit, or are created. In a steady state (a
// training loop) every step finds what it needs: no buffer is created and no submit is forced.
// With `poison` on (tests, debug mode) every buffer a kernel takes is first filled with NaN by a
// recorded dispatch (`fillNaN`), so a kernel that leaves some of its outputs unwritten fails
// instead of passing on stale memory.

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
  /** Buffers waiting for reuse (free, or released since the last submit). */
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

/** Who writes a buffer first: a kernel (recorded, in order) or the host (queue.writeBuffer). */
export type FirstWriter = 'kernel' | 'host';

export class BufferPool {
  /** Released before the last submit: safe for any use. */
  private readonly free = new Map<number, GPUBuffer[]>();
  /** Released since the last submit: safe for kernel outputs only. */
  private readonly recent = new Map<number, GPUBuffer[]>();
  private inUse = 0;
  private inUseBytes = 0;
  private cachedBytes = 0;
  private cachedCount = 0;
  private created = 0;
  /** Creation number of each buffer. */
  private readonly order = new WeakMap<GPUBuffer, number>();
  private peakBytes = 0;
  /** Fill each buffer a kernel takes with NaN (see the header). */
  poison = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBinding: number,
    /** Records a dispatch that fills the buffer with NaN (poison mode). */
    private readonly fillNaN: (pooled: PooledBuffer) => void,
  ) {}

  acquire(bytes: number, label = 'tensor', firstWriter: FirstWriter = 'kernel'): PooledBuffer {
    const capacity = sizeClass(bytes);
    if (bytes > this.maxBinding) {
      const mib = (this.maxBinding / 2 ** 20).toFixed(0);
      throw new Error(`cannot allocate a ${bytes}-byte buffer for ${label}: this adapter binds at most ${this.maxBinding} bytes (${mib} MiB) per storage buffer`);
    }
    // Kernels take recent buffers first, leaving the free ones to uploads.
    let buffer = (firstWriter === 'kernel' ? this.recent.get(capacity)?.pop() : undefined) ?? this.free.get(capacity)?.pop();
    if (buffer) {
      this.cachedBytes -= capacity;
      this.cachedCount--;
    } else {
      buffer = this.device.createBuffer({ size: Math.min(capacity, this.maxBinding), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label });
      this.order.set(buffer, this.created++);
    }
    this.inUse++;
    this.inUseBytes += capacity;
    this.peakBytes = Math.max(this.peakBytes, this.inUseBytes + this.cachedBytes);
    const pooled = { buffer, capacity, released: false };
    if (this.poison && firstWriter === 'kernel') this.fillNaN(pooled);
    return pooled;
  }

  release(pooled: PooledBuffer): void {
    if (pooled.released) return;
    pooled.released = true;
    this.inUse--;
    this.inUseBytes -= pooled.capacity;
    this.cachedBytes += pooled.capacity;
    this.cachedCount++;
    const list = this.recent.get(pooled.capacity) ?? [];
    list.push(pooled.buffer);
    this.recent.set(pooled.capacity, list);
  }

  /** Called after each submit: every recent buffer is now safe for any use. Free buffers are
   *  kept in creation order, so a loop that records the same work after each submit gets the same
   *  buffers every time (and the runtime finds its bind groups again). */
  afterSubmit(): void {
    for (const [capacity, list] of this.recent) {
      const free = [...(this.free.get(capacity) ?? []), ...list];
      free.sort((a, b) => this.order.get(b)! - this.order.get(a)!); // pop() takes the oldest
      this.free.set(capacity, free);
    }
    this.recent.clear();
  }

  /** Destroys every free buffer (buffers in use, and those released since the last submit that
   *  recorded work may still use, are untouched). */
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
