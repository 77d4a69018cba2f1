// Removal (object removal / inpainting): a region is erased and filled, in equal shares, either with
// texture copied from elsewhere in the image (exemplar-fill.ts) or from its surroundings by
// diffusion: the fill is the harmonic function that matches the pixels around the region, i.e. each
// region pixel is the mean of its 4 neighbours (∇²u = 0 inside, u = image on the boundary). It is
// solved by successive over-relaxation, started from the mean of the boundary. Grain like that of
// the surroundings is then added to a diffusion fill, so it is not a perfectly smooth patch. The mask
// is the region.
import { clamp01, type Mask, type RgbImage } from '../image.ts';
import type { Rng } from '../../common/rng.ts';
import { blobReach, randomBlob } from './blob.ts';
import { exemplarFill } from './exemplar-fill.ts';

export interface RemovalParams {
  /** Exemplar where a source window outside the region exists and was drawn, else diffusion. */
  fill: 'exemplar' | 'diffusion';
}

/** For each region pixel, its neighbours inside the image (left, right, up, down), −1 where none. */
function neighbourTable(region: Mask, pixels: Int32Array): Int32Array {
  const { width, height } = region;
  const table = new Int32Array(pixels.length * 4).fill(-1);
  pixels.forEach((p, i) => {
    const x = p % width;
    const y = (p - x) / width;
    if (x > 0) table[i * 4] = p - 1;
    if (x < width - 1) table[i * 4 + 1] = p + 1;
    if (y > 0) table[i * 4 + 2] = p - width;
    if (y < height - 1) table[i * 4 + 3] = p + width;
  });
  return table;
}

/**
 * Fills `region` harmonically from the pixels around it. `span` (the region's diameter in pixels)
 * sets the over-relaxation factor ω = 2 / (1 + sin(π / span)) and the number of sweeps.
 */
export function fillFromSurroundings(base: RgbImage, region: Mask, span: number): RgbImage {
  const data = base.data.slice();
  const list: number[] = [];
  for (let p = 0; p < region.data.length; p++) if (region.data[p]) list.push(p);
  const pixels = Int32Array.from(list);
  const neighbours = neighbourTable(region, pixels);
  // start from the mean of the known pixels that touch the region
  const start = [0, 0, 0];
  let count = 0;
  for (let k = 0; k < neighbours.length; k++) {
    const q = neighbours[k]!;
    if (q < 0 || region.data[q]) continue;
    for (let c = 0; c < 3; c++) start[c]! += data[q * 3 + c]!;
    count++;
  }
  for (const p of pixels) for (let c = 0; c < 3; c++) data[p * 3 + c] = count > 0 ? start[c]! / count : 0.5;
  const n = Math.max(2, span);
  const omega = 2 / (1 + Math.sin(Math.PI / n));
  const sweeps = Math.ceil(n); // SOR at this ω shrinks the error by about e^(−2π) every n sweeps
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let i = 0; i < pixels.length; i++) {
      const p = pixels[i]!;
      let m = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = i * 4; k < i * 4 + 4; k++) {
        const q = neighbours[k]!;
        if (q < 0) continue;
        m++;
        r += data[q * 3]!;
        g += data[q * 3 + 1]!;
        b += data[q * 3 + 2]!;
      }
      data[p * 3] = data[p * 3]! + omega * (r / m - data[p * 3]!);
      data[p * 3 + 1] = data[p * 3 + 1]! + omega * (g / m - data[p * 3 + 1]!);
      data[p * 3 + 2] = data[p * 3 + 2]! + omega * (b / m - data[p * 3 + 2]!);
    }
  }
  return { width: base.width, height: base.height, data };
}

/**
 * The grain of the pixels just outside the region, robust to the edges that cross it: from
 * horizontally adjacent pairs (a, b) of known pixels touching the region, σ = median |a − b| /
 * (0.6745 √2) on the channel mean (the median absolute deviation of a − b, whose σ is √2 that of
 * independent pixel noise). In [0, 1] units.
 */
function surroundingGrain(image: RgbImage, region: Mask): number {
  const { width, data } = image;
  const touches = (p: number) => region.data[p - 1] || region.data[p + 1] || region.data[p - width] || region.data[p + width];
  const diffs: number[] = [];
  for (let p = width; p < region.data.length - width - 1; p++) {
    if (region.data[p] || region.data[p + 1] || !touches(p)) continue;
    let d = 0;
    for (let c = 0; c < 3; c++) d += data[p * 3 + c]! - data[(p + 1) * 3 + c]!;
    diffs.push(Math.abs(d / 3));
  }
  if (diffs.length === 0) return 0;
  diffs.sort((a, b) => a - b);
  return diffs[diffs.length >> 1]! / (0.6745 * Math.SQRT2);
}

/** `ring`: where the region's centre lies (blob.ts). */
export function removal(base: RgbImage, targetArea: number, rng: Rng, ring?: number): { image: RgbImage; mask: Mask; params: RemovalParams } {
  const { shape, mask } = randomBlob(rng, base.width, base.height, targetArea, ring);
  const exemplar = rng.chance(0.5) ? exemplarFill(base, mask, rng) : null;
  if (exemplar) return { image: exemplar, mask, params: { fill: 'exemplar' } };
  const filled = fillFromSurroundings(base, mask, 2 * blobReach(shape));
  const grain = surroundingGrain(base, mask);
  for (let p = 0; p < mask.data.length; p++) {
    if (!mask.data[p]) continue;
    const g = grain * rng.normal(); // the same for the three channels, like luminance grain
    for (let c = 0; c < 3; c++) filled.data[p * 3 + c] = clamp01(filled.data[p * 3 + c]! + g);
  }
  return { image: filled, mask, params: { fill: 'diffusion' } };
}
