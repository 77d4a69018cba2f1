// What the engine needs from the place it runs, behind one small interface. The implementation is
// chosen when the code is loaded or bundled, never by probing globals: package.json maps the
// import '#platform' to node.ts (Dawn's WebGPU for Node, shaders read from disk) and, under the
// "browser" condition a bundler sets, to browser.ts (navigator.gpu, shaders inlined at bundle time).
//
// The device options live here because a platform reads them from its environment.

export const BACKENDS = ['auto', 'vulkan', 'metal', 'd3d12', 'opengl', 'opengles'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface AdapterChoice {
  /** 'auto' tries the default adapter, then the OpenGL fallback (Node). */
  backend?: BackendChoice;
  /** Substring of the adapter name, passed to Dawn to pick one of several adapters (Node). */
  adapterName?: string;
}

/** Which family of kernel variants suits the adapter: on a CPU adapter barriers and workgroup
 *  memory cost more than they save; on a GPU they pay. */
export type KernelProfile = 'cpu' | 'gpu';

export interface RuntimeOptions extends AdapterChoice {
  /** Check every kernel's output for NaN/Inf and name the first op that made one; poisons buffers. */
  debug?: boolean;
  /** Fill every buffer a kernel gets from the pool with NaN first, so unwritten outputs show (tests). */
  poisonBuffers?: boolean;
  /** Force a kernel profile instead of the one chosen for the adapter. */
  profile?: KernelProfile;
}

export function parseBackend(value: string | undefined): BackendChoice {
  const v = (value ?? 'auto').toLowerCase();
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new Error(`unknown backend '${value}' (from --backend or NCL_BACKEND): expected one of ${BACKENDS.join(', ')}`);
  }
  return v as BackendChoice;
}

export interface FoundAdapter {
  /** The WebGPU entry point; it must stay referenced while the device lives. */
  gpu: GPU;
  adapter: GPUAdapter;
  /** What reached the adapter: 'vulkan', 'metal', 'd3d12', 'opengl', … or 'browser'. */
  backend: string;
}

/** A small persistent store of named text entries: where the tuner keeps its cache (src/runtime/tune-cache.ts). */
export interface CacheStore {
  /** Where the entries live, for messages (a folder, or the browser's localStorage). */
  readonly location: string;
  /** The entry's text, or null if there is none. */
  read(name: string): string | null;
  write(name: string, text: string): void;
  list(): string[];
  remove(name: string): void;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** The WebGPU implementation's version, e.g. "0.6.2" (the `webgpu` package) or "Chrome/156.0…". */
  webgpuVersion(): string;
  /** The best adapter for the choice; throws saying what was tried and how to get one. */
  findAdapter(choice: AdapterChoice): Promise<FoundAdapter>;
  /** The text of shaders/<name>.wgsl. */
  shaderSource(name: string): string;
  /** ncl's own version (package.json), part of the tuner's cache key. */
  nclVersion(): string;
  /** The tuner's cache: Node, files in $XDG_CACHE_HOME/ncl/ (default ~/.cache/ncl/); a browser, localStorage. */
  cacheStore(): CacheStore;
  /** Runtime options the environment sets (Node: NCL_BACKEND, NCL_DEBUG, …; a browser: none). */
  environmentOptions(): RuntimeOptions;
}
