// The dropout mask recomputed on the CPU from the counter-based hash (src/autograd/ops/dropout.ts
// draws it on the device from (seed, step, element)), for the tests and `ncl selfcheck`.

export function mix(v: number): number {
  let h = v >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export function keptCpu(i: number, seed: number, step: number, p: number): boolean {
  const key = mix((seed ^ mix(step)) >>> 0);
  return mix((i ^ key) >>> 0) >= Math.min(Math.round(p * 2 ** 32), 2 ** 32 - 1);
}
