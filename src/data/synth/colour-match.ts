// Colour matching for splicing: the donor's colours under the region are moved toward those of the
// image it is pasted into, per channel, by the mean/deviation transfer
//   x' = μ_b + (σ_b / σ_d)(x − μ_d),
// (μ, σ over the region, d donor, b base), applied with a strength s in [0, 1]: x + s(x' − x). The
// ratio σ_b / σ_d is kept within [½, 2] so a flat donor's noise is not blown up.
import { clamp01, type Mask, type RgbImage } from '../image.ts';

function regionStats(image: RgbImage, region: Mask, c: number): { mean: number; std: number } {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let p = 0; p < region.data.length; p++) {
    if (!region.data[p]) continue;
    const v = image.data[p * 3 + c]!;
    n++;
    sum += v;
    sumSq += v * v;
  }
  const mean = n > 0 ? sum / n : 0;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / Math.max(1, n) - mean * mean)) };
}

export function matchColour(donor: RgbImage, base: RgbImage, region: Mask, strength: number): RgbImage {
  const out = donor.data.slice();
  for (let c = 0; c < 3; c++) {
    const d = regionStats(donor, region, c);
    const b = regionStats(base, region, c);
    const gain = Math.min(2, Math.max(0.5, d.std > 0 ? b.std / d.std : 1));
    for (let p = c; p < out.length; p += 3) {
      const target = b.mean + gain * (out[p]! - d.mean);
      out[p] = clamp01(out[p]! + strength * (target - out[p]!));
    }
  }
  return { width: donor.width, height: donor.height, data: out };
}
