// Training samples made in memory, for the in-memory run's tests (test/ncl/memory-run*.test.ts),
// and what those tests compare runs with:
// images of a few sizes, a noisy colour gradient with, in three of four, a rectangle of another
// texture marked in the mask (0/1). Pixel values are multiples of 1/255, so that PNG files of them
// read back the same. Imports nothing of Node.
import { Rng } from '../../src/common/rng.ts';
import type { TrainingSample } from '../../src/ncl/train/data.ts';
import type { StepRecord } from '../../src/ncl/train/log.ts';

const SIZES: Array<[number, number]> = [
  [64, 64],
  [80, 64],
  [72, 96],
];

export function memorySamples(count: number, seed: number): TrainingSample[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = Rng.fromSeed(seed, i);
    const [width, height] = SIZES[i % SIZES.length]!;
    const tampered = i % 4 !== 3;
    const w = tampered ? rng.int(Math.round(width / 4), Math.round(width / 2)) : 0;
    const h = tampered ? rng.int(Math.round(height / 4), Math.round(height / 2)) : 0;
    const left = rng.int(0, width - w);
    const top = rng.int(0, height - h);
    const base = [rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)];
    const shift = [rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)];
    const image = new Float32Array(width * height * 3);
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= left && x < left + w && y >= top && y < top + h;
        mask[y * width + x] = inside ? 1 : 0;
        for (let c = 0; c < 3; c++) {
          const v = base[c]! + (0.2 * x) / width - (0.1 * y) / height + (inside ? shift[c]! + 0.08 * rng.normal() : 0.02 * rng.normal());
          image[(y * width + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v))) / 255;
        }
      }
    }
    return { image: { width, height, data: image }, mask: { width, height, data: mask } };
  });
}

/** A step record without its timings, which differ from run to run. */
export const untimed = ({ seconds: _s, imagesPerSecond: _i, ...rest }: StepRecord) => rest;

/** The chunks of a file (a checkpoint's) as one array. */
export function joined(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
