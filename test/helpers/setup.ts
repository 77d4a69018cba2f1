// Test helpers: the device, seeded random data and comparisons.
import { initDevice, tensor, type Tensor } from '../../src/index.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { closeness, excess } from '../../src/check/compare.ts';
import type { Arr } from '../../src/check/reference.ts';

export async function device(): Promise<Runtime> {
  return initDevice();
}

/** mulberry32: a small seeded generator, so every test run sees the same inputs. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [lo, hi), rounded to f32 so the reference sees exactly what the device sees. */
export function randomArr(shape: number[], random: () => number, lo = -1, hi = 1): Arr {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float64Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * random())) };
}

export function toTensor(a: Arr, requiresGrad = false): Tensor {
  return tensor(Float32Array.from(a.data), a.shape, { requiresGrad });
}

export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  const c = closeness(got, want, atol, rtol);
  if (!(c <= 1)) {
    let at = 0;
    let worst = -1;
    for (let i = 0; i < got.length; i++) {
      const d = excess(got[i]!, want[i]!, atol, rtol);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    throw new Error(`${what}: element ${at} is ${got[at]}, expected ${want[at]} (atol ${atol}, rtol ${rtol}; ${got.length} elements)`);
  }
}
