// The engine on Node: WebGPU from Dawn (the `webgpu` package), shaders read from shaders/ on disk,
// options from the environment.
//
// Adapter order: the platform's default adapter (Vulkan, Metal, D3D12); if there is none, Dawn's
// OpenGL backend on Mesa llvmpipe through EGL with no display (compatibility feature level). A
// forced backend (`--backend`, NCL_BACKEND) skips the search and opens exactly that one.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { parseBackend, type AdapterChoice, type CacheStore, type FoundAdapter, type KernelProfile, type Platform } from './platform.ts';

/** The Debian packages that give Dawn's OpenGL backend a CPU adapter (Mesa llvmpipe). */
export const MESA_PACKAGES = ['libegl1', 'libegl-mesa0', 'libgl1-mesa-dri'];

type FeatureLevel = 'core' | 'compatibility';

let globalsInstalled = false;

function installGlobals(): void {
  if (globalsInstalled) return;
  Object.assign(globalThis, globals);
  // EGL must be told there is no display before Dawn's OpenGL backend starts.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  // Without a session's runtime folder the graphics stack complains at start-up: give it a private one.
  if (!process.env.XDG_RUNTIME_DIR) {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'ncl-xdg-'));
    process.env.XDG_RUNTIME_DIR = runtimeDir;
    const remove = () => rmSync(runtimeDir, { recursive: true, force: true });
    process.once('exit', remove);
    // A signal with no handler of its own ends Node without 'exit': remove the folder, then let the
    // signal take its default course. Where a training run handles it (stop-signals.ts), leave it be.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        if (process.listenerCount(signal) > 1) return;
        process.removeListener(signal, onSignal);
        remove();
        process.kill(process.pid, signal);
      };
      process.on(signal, onSignal);
    }
  }
  globalsInstalled = true;
}

async function tryAdapter(backend: string, featureLevel: FeatureLevel, adapterName?: string): Promise<FoundAdapter | null> {
  const flags: string[] = [];
  if (backend !== 'default') flags.push(`backend=${backend}`);
  if (adapterName) flags.push(`adapter=${adapterName}`);
  const gpu = create(flags);
  const adapter = await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' });
  return adapter ? { gpu, adapter, backend: backend === 'default' ? defaultBackend(adapter.info) : backend } : null;
}

/** The backend Dawn picks by default on this operating system. */
function defaultBackend(info: GPUAdapterInfo): string {
  if (process.platform === 'darwin') return 'metal';
  if (process.platform === 'win32') return 'd3d12';
  return /opengl|mesa/i.test(info.description) ? 'opengl' : 'vulkan';
}

/** Whether a shared library is on the usual Linux library paths (no dlopen: a hint for messages only). */
function hasLibrary(name: string): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];
  return (process.env.LD_LIBRARY_PATH ?? '').split(':').concat(dirs).some((d) => d !== '' && existsSync(join(d, name)));
}

const MESA_HINT = `On Debian/Ubuntu install Mesa for it with:  apt-get update && apt-get install -y ${MESA_PACKAGES.join(' ')}`;

/** Why the requested backend gave no adapter, and what to install: per backend, from what is present. */
function describeFailure(backend: string, tried: string[]): string {
  const head = `no WebGPU adapter found (tried: ${tried.join(', ')}).`;
  const vulkan = hasLibrary('libvulkan.so.1')
    ? 'The Vulkan loader (libvulkan.so.1) is installed, but no Vulkan driver offered an adapter: install the GPU\'s driver with its Vulkan ICD (Mesa\'s lavapipe is not enough for Dawn here).'
    : 'The Vulkan loader (libvulkan.so.1) is not installed: on Debian/Ubuntu apt-get install -y libvulkan1, with the GPU\'s driver.';
  const opengl = hasLibrary('libEGL.so.1') ? 'EGL is installed, but it gave no OpenGL adapter: check the Mesa drivers (libgl1-mesa-dri, libegl-mesa0).' : `EGL is not installed. ${MESA_HINT}`;
  if (backend === 'vulkan') return [head, vulkan].join('\n');
  if (backend === 'opengl' || backend === 'opengles') return [head, opengl].join('\n');
  if (backend === 'metal' || backend === 'd3d12') {
    const os = backend === 'metal' ? 'macOS' : 'Windows';
    return [head, process.platform === (backend === 'metal' ? 'darwin' : 'win32') ? `The ${backend} backend found no GPU.` : `The ${backend} backend exists on ${os} only; here use --backend auto, vulkan or opengl.`].join('\n');
  }
  return [head, "On a machine without a GPU, ncl runs on Mesa llvmpipe through Dawn's OpenGL backend.", opengl, `With a GPU: ${vulkan}`].join('\n');
}

const shaderDir = new URL('../../shaders/', import.meta.url);

/** Whether NCL_DEBUG asks for debug mode ('1' or 'true'). */
export function debugFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NCL_DEBUG === '1' || env.NCL_DEBUG === 'true';
}

/** Files in $XDG_CACHE_HOME/ncl/ (default ~/.cache/ncl/), the folder read from the environment at
 *  each call; an entry is replaced atomically (written beside it, then renamed). */
function fileStore(): CacheStore {
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ncl');
  const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
  return {
    location: dir,
    read(name) {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch (e) {
        if (missing(e)) return null;
        throw new Error(`cannot read the tuning cache ${join(dir, name)}: ${(e as Error).message}`);
      }
    },
    write(name, text) {
      try {
        mkdirSync(dir, { recursive: true });
        const temp = join(dir, `.${name}.${process.pid}.tmp`);
        writeFileSync(temp, text);
        renameSync(temp, join(dir, name));
      } catch (e) {
        throw new Error(`cannot write the tuning cache ${join(dir, name)} (set XDG_CACHE_HOME to a writable folder): ${(e as Error).message}`);
      }
    },
    list() {
      try {
        return readdirSync(dir).filter((f) => !f.startsWith('.'));
      } catch (e) {
        if (missing(e)) return [];
        throw e;
      }
    },
    remove: (name) => rmSync(join(dir, name), { force: true }),
  };
}

const node: Platform = {
  name: 'node',
  webgpuVersion() {
    const require = createRequire(import.meta.url);
    return (require('webgpu/package.json') as { version: string }).version;
  },
  async findAdapter(choice: AdapterChoice) {
    installGlobals();
    const backend = choice.backend ?? 'auto';
    const attempts: Array<[string, FeatureLevel]> =
      backend === 'auto'
        ? [['default', 'core'], ['opengl', 'compatibility']]
        : backend === 'opengl' || backend === 'opengles'
          ? [[backend, 'compatibility']]
          : [[backend, 'core']];
    const tried: string[] = [];
    for (const [b, level] of attempts) {
      tried.push(b === 'default' ? 'the default adapter' : `${b} (${level})`);
      const found = await tryAdapter(b, level, choice.adapterName);
      if (found) return found;
    }
    throw new Error(describeFailure(backend, tried));
  },
  shaderSource: (name) => readFileSync(new URL(`${name}.wgsl`, shaderDir), 'utf8'),
  nclVersion() {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version: string }).version;
  },
  cacheStore: fileStore,
  /** NCL_BACKEND, NCL_ADAPTER, NCL_DEBUG=1, NCL_POISON=1, NCL_PROFILE=cpu|gpu. */
  environmentOptions() {
    const env = process.env;
    const profile = env.NCL_PROFILE;
    if (profile !== undefined && profile !== 'cpu' && profile !== 'gpu') throw new Error(`NCL_PROFILE must be 'cpu' or 'gpu', got '${profile}'`);
    return {
      backend: parseBackend(env.NCL_BACKEND),
      adapterName: env.NCL_ADAPTER || undefined,
      debug: debugFromEnv(env),
      poisonBuffers: env.NCL_POISON === '1',
      profile: profile as KernelProfile | undefined,
    };
  },
};

export default node;
