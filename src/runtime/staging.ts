// Staging buffers for read-backs (MAP_READ | COPY_DST), kept for reuse: a training step reads the
// same few numbers back every step, so in the steady state a read-back creates no buffer. Sizes
// are rounded up to a power of two (at least 256 bytes); at most `keepBytes` of free buffers are
// kept, so the one-off large read-backs of a checkpoint do not hold host-visible memory.

export class StagingBuffers {
  private readonly free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;
  /** Buffers made since the device opened. */
  created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly keepBytes = 1 << 24,
  ) {}

  /** A buffer of at least `bytes`, unmapped, for a copy and one mapAsync. */
  take(bytes: number): GPUBuffer {
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    const kept = this.free.get(size)?.pop();
    if (kept) {
      this.freeBytes -= size;
      return kept;
    }
    this.created++;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'read-back staging' });
  }

  /** Returns a buffer from `take`, unmapped again; destroyed if the kept ones would exceed the cap. */
  give(buffer: GPUBuffer): void {
    if (this.freeBytes + buffer.size > this.keepBytes) {
      buffer.destroy();
      return;
    }
    this.freeBytes += buffer.size;
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }
}
