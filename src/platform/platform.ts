// What the engine needs from the place it runs, behind one small interface. The implementation is
// chosen when the code is loaded or bundled, never by probing globals: package.json maps the
// import '#platform' to node.ts (Dawn's WebGPU for Node, shaders read from disk) and, under the
// "browser" condition a bundler sets, to browser.ts (navigator.gpu, shaders inlined at bundle time).
import type { AdapterChoice } from '../runtime/adapter.ts';
import type { RuntimeOptions } from '../runtime/runtime.ts';

export interface FoundAdapter {
  /** The WebGPU entry point; it must stay referenced while the device lives. */
  gpu: GPU;
  adapter: GPUAdapter;
  /** What reached the adapter: 'vulkan', 'metal', 'd3d12', 'opengl', … or 'browser'. */
  backend: string;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** The WebGPU implementation's version, e.g. "0.6.2" (the `webgpu` package) or "Chrome/156.0…". */
  webgpuVersion(): string;
  /** The best adapter for the choice; throws saying what was tried and how to get one. */
  findAdapter(choice: AdapterChoice): Promise<FoundAdapter>;
  /** The text of shaders/<name>.wgsl. */
  shaderSource(name: string): string;
  /** Runtime options the environment sets (Node: NCL_BACKEND, NCL_DEBUG, …; a browser: none). */
  environmentOptions(): RuntimeOptions;
}
