// What one kernel dispatch binds and how large it is: the runtime records these, the debug checker
// adds its own.
import type { PooledBuffer } from './buffer-pool.ts';
import type { Kernel } from './pipelines.ts';

export interface Binding {
  buffer: PooledBuffer;
  bytes: number;
}

export interface DispatchRequest {
  kernel: Kernel;
  /** Storage buffers at @binding(0..n-1), in order. */
  bindings: Binding[];
  /** Uniform parameters at @binding(n), if the kernel has them. */
  uniforms?: ArrayBuffer | ArrayBufferView;
  /** Total workgroups (folded into 2-D past the per-dimension limit) or an explicit grid. */
  workgroups: number | [number, number, number];
}
