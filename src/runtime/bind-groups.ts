// Bind groups reused across submits. A training step records the same dispatches over the same
// pooled buffers and the same uniform slices every time, so after the first step each bind group
// is found here instead of created. A key names the pipeline, then each buffer (by identity) with
// the offset and size bound. A destroyed buffer is never handed out again, so entries naming one
// are merely never asked for; the cache is emptied when it outgrows its bound.

interface BoundSlice {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

export class BindGroupCache {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  /** Bind groups created so far (bench train reports them per step). */
  created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly limit = 16384,
  ) {}

  private id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** The bind group of `slices` at @binding(0..n-1) of group 0 of the pipeline. */
  get(pipeline: GPUComputePipeline, slices: readonly BoundSlice[]): GPUBindGroup {
    const key = `${this.id(pipeline)}|${slices.map((s) => `${this.id(s.buffer)}:${s.offset}:${s.size}`).join(',')}`;
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size >= this.limit) this.groups.clear();
      let layout = this.layouts.get(pipeline);
      if (!layout) {
        layout = pipeline.getBindGroupLayout(0);
        this.layouts.set(pipeline, layout);
      }
      group = this.device.createBindGroup({ layout, entries: slices.map((s, binding) => ({ binding, resource: { buffer: s.buffer, offset: s.offset, size: s.size } })) });
      this.groups.set(key, group);
      this.created++;
    }
    return group;
  }
}
