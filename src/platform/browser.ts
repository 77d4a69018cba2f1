// The engine in a browser: the page's navigator.gpu, and the shaders a bundler inlined (the
// esbuild plugin in src/platform/bundle.ts provides the module 'ncl:shaders').
import shaders from 'ncl:shaders';
import type { CacheStore, Platform } from './platform.ts';

/** ncl's version, defined at bundle time (bundle.ts). */
declare const NCL_VERSION: string;

/** Entries in the page's localStorage under 'ncl:'. */
const PREFIX = 'ncl:';
const localStore: CacheStore = {
  location: 'localStorage',
  read: (name) => localStorage.getItem(PREFIX + name),
  write: (name, text) => localStorage.setItem(PREFIX + name, text),
  list: () => Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length)),
  remove: (name) => localStorage.removeItem(PREFIX + name),
};

const browser: Platform = {
  name: 'browser',
  webgpuVersion: () => /(Chrome|Firefox|Version)\/[\d.]+/.exec(navigator.userAgent)?.[0] ?? navigator.userAgent,
  async findAdapter() {
    if (!('gpu' in navigator)) throw new Error('this browser has no WebGPU (navigator.gpu is missing); Chromium needs --enable-unsafe-webgpu where it is not on by default');
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('the browser found no WebGPU adapter (headless Chromium: --enable-unsafe-swiftshader --use-webgpu-adapter=swiftshader gives a CPU one)');
    return { gpu: navigator.gpu, adapter, backend: 'browser' };
  },
  shaderSource(name) {
    const text = shaders[name];
    if (text === undefined) throw new Error(`no shader '${name}' in this bundle (shaders/${name}.wgsl)`);
    return text;
  },
  nclVersion: () => NCL_VERSION,
  cacheStore: () => localStore,
  environmentOptions: () => ({}),
};

export default browser;
