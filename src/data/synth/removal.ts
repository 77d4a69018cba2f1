// Removal (object removal / inpainting): a region is erased and filled from its surroundings by
// "onion peeling": layer by layer from the region's edge inward, each pixel takes the mean of its
// already-known 8-neighbours; then two passes of 3×3 smoothing inside the region soften the streaks.
// The mask is the region.
import type { Mask, RgbImage } from '../image.ts';
import type { Rng } from '../rng.ts';
import { randomBlob } from './blob.ts';

const NEIGHBOURS: [number, number][] = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];

/** Averages, for each listed pixel, the neighbours accepted by `use`, writing into `out`. */
function averageNeighbours(src: Float32Array, out: Float32Array, pixels: number[], width: number, height: number, use: (q: number) => boolean): void {
  for (const p of pixels) {
    const x = p % width;
    const y = (p - x) / width;
    let n = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (const [dx, dy] of NEIGHBOURS) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const q = ny * width + nx;
      if (!use(q)) continue;
      n++;
      r += src[q * 3]!;
      g += src[q * 3 + 1]!;
      b += src[q * 3 + 2]!;
    }
    if (n > 0) {
      out[p * 3] = r / n;
      out[p * 3 + 1] = g / n;
      out[p * 3 + 2] = b / n;
    }
  }
}

export function fillFromSurroundings(base: RgbImage, region: Mask): RgbImage {
  const { width, height } = base;
  const data = base.data.slice();
  const known = Uint8Array.from(region.data, (v) => 1 - v);
  let remaining: number[] = [];
  for (let p = 0; p < region.data.length; p++) if (region.data[p]) remaining.push(p);
  const all = remaining.slice();
  while (remaining.length > 0) {
    const layer = remaining.filter((p) => NEIGHBOURS.some(([dx, dy]) => {
      const x = (p % width) + dx;
      const y = Math.floor(p / width) + dy;
      return x >= 0 && y >= 0 && x < width && y < height && known[y * width + x] === 1;
    }));
    if (layer.length === 0) break; // the whole image is the region: nothing to fill from
    averageNeighbours(data, data, layer, width, height, (q) => known[q] === 1);
    for (const p of layer) known[p] = 1; // only after the whole layer: it reads none of its own pixels
    const inLayer = new Set(layer);
    remaining = remaining.filter((p) => !inLayer.has(p));
  }
  for (let pass = 0; pass < 2; pass++) {
    const before = data.slice();
    averageNeighbours(before, data, all, width, height, () => true);
  }
  return { width, height, data };
}

export function removal(base: RgbImage, targetArea: number, rng: Rng): { image: RgbImage; mask: Mask } {
  const { mask } = randomBlob(rng, base.width, base.height, targetArea);
  return { image: fillFromSurroundings(base, mask), mask };
}
