// tfjs-backend-webgpu as a peer on the same Dawn adapter (a dev dependency; skipped where absent).
//
// tfjs looks for navigator.gpu when its module loads and does not ask for the compatibility
// feature level; on the OpenGL fallback the adapter only exists at that level, so the request
// is amended here.
import { createRequire } from 'node:module';
import { create } from 'webgpu';
import { runtime } from '../src/runtime/context.ts';
import type { Tf } from './peers.ts';

let loaded: { tf: Tf; version: string; gpu: GPU } | null = null;

export async function loadTfjs(): Promise<{ tf: Tf; version: string } | { skipped: string }> {
  if (loaded) return loaded;
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs-core');
  } catch {
    return { skipped: 'tfjs not installed (npm install --no-save @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-webgpu@4.22.0)' };
  }
  const a = runtime().adapter;
  const gpu = create(a.backend === 'opengl' || a.backend === 'opengles' ? [`backend=${a.backend}`] : []);
  const compat = a.backend === 'opengl' || a.backend === 'opengles';
  const wrapped = {
    requestAdapter: (options: GPURequestAdapterOptions = {}) =>
      gpu.requestAdapter(compat ? ({ ...options, featureLevel: 'compatibility' } as GPURequestAdapterOptions) : options),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: wrapped }, configurable: true, writable: true });
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    if (!(await tf.setBackend('webgpu'))) return { skipped: 'tfjs-backend-webgpu did not initialise on this adapter' };
    await tf.ready();
  } catch (e) {
    return { skipped: `tfjs-backend-webgpu failed to start: ${(e as Error).message}` };
  }
  const require = createRequire(import.meta.url);
  const version = (require('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version;
  loaded = { tf, version, gpu };
  return loaded;
}
