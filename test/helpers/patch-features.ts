// Low-level statistics of each 8×8 patch of an image (patches on the JPEG grid) and its position,
// the inputs of the shortcut probe: a detector that sees only these cannot know what was
// manipulated, only whether a patch is smoother, noisier, less blocky or differently coloured than
// the rest, or where in the image it lies (a set that puts its forgeries in the middle).
import type { Mask, RgbImage } from '../../src/data/image.ts';

export const PATCH = 8;

/** Grey values on the 0–255 scale. */
function grey(image: RgbImage): Float64Array {
  const g = new Float64Array(image.width * image.height);
  for (let p = 0; p < g.length; p++) g[p] = ((image.data[p * 3]! + image.data[p * 3 + 1]! + image.data[p * 3 + 2]!) * 255) / 3;
  return g;
}

/** High-pass residual: each pixel minus the mean of its 4 neighbours (edges clamped). */
function residual(g: Float64Array, w: number, h: number): Float64Array {
  const r = new Float64Array(g.length);
  const at = (x: number, y: number) => g[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) r[y * w + x] = at(x, y) - (at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1)) / 4;
  return r;
}

/**
 * Per patch (row-major over the patch grid): mean grey, mean R − G and B − G, log variance of the
 * grey values, log variance of the high-pass residual (local noise), and JPEG blockiness: log of the
 * mean squared step across the patch's right and bottom grid lines over that between adjacent pixels
 * inside it (> 0 where 8×8 block boundaries stand out). Then the same six minus their medians over
 * the image, so that a patch can stand out from its own image (e.g. a spliced region's noise).
 * Last, the patch centre's offsets u, v from the image centre (in half-widths and half-heights)
 * and its distance √(u² + v²), which a linear model needs to find a centre bias.
 */
export function patchFeatures(image: RgbImage): Float64Array[] {
  const { width: w, height: h } = image;
  const g = grey(image);
  const r = residual(g, w, h);
  const out: Float64Array[] = [];
  for (let py = 0; py + PATCH <= h; py += PATCH) {
    for (let px = 0; px + PATCH <= w; px += PATCH) {
      let sum = 0, sumSq = 0, rSum = 0, rSq = 0, rg = 0, bg = 0, inner = 0, nInner = 0, grid = 0, nGrid = 0;
      for (let y = py; y < py + PATCH; y++) {
        for (let x = px; x < px + PATCH; x++) {
          const p = y * w + x;
          sum += g[p]!;
          sumSq += g[p]! ** 2;
          rSum += r[p]!;
          rSq += r[p]! ** 2;
          rg += (image.data[p * 3]! - image.data[p * 3 + 1]!) * 255;
          bg += (image.data[p * 3 + 2]! - image.data[p * 3 + 1]!) * 255;
          for (const [nx, ny] of [[x + 1, y], [x, y + 1]] as const) {
            if (nx >= w || ny >= h) continue;
            const step = (g[ny * w + nx]! - g[p]!) ** 2;
            const crosses = nx === px + PATCH || ny === py + PATCH;
            if (crosses) (grid += step), nGrid++;
            else (inner += step), nInner++;
          }
        }
      }
      const n = PATCH * PATCH;
      const blockiness = Math.log((nGrid ? grid / nGrid : 0) + 1) - Math.log(inner / nInner + 1);
      out.push(Float64Array.of(sum / n, rg / n, bg / n, Math.log(sumSq / n - (sum / n) ** 2 + 1), Math.log(rSq / n - (rSum / n) ** 2 + 1e-3), blockiness));
    }
  }
  return withImageContrast(out).map((f, k) => withPosition(f, k, w, h));
}

/** Appends the position of patch k (row-major over the patch grid) in an image of w×h. */
function withPosition(features: Float64Array, k: number, w: number, h: number): Float64Array {
  const cols = Math.floor(w / PATCH);
  const u = (((k % cols) + 0.5) * PATCH) / (w / 2) - 1;
  const v = ((Math.floor(k / cols) + 0.5) * PATCH) / (h / 2) - 1;
  return Float64Array.from([...features, u, v, Math.hypot(u, v)]);
}

/** Appends to each patch's statistics their differences from the image's medians of them. */
function withImageContrast(patches: Float64Array[]): Float64Array[] {
  const d = patches[0]!.length;
  const medians = Array.from({ length: d }, (_, i) => {
    const v = patches.map((f) => f[i]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  });
  return patches.map((f) => Float64Array.from([...f, ...medians.map((m, i) => f[i]! - m)]));
}

/** Fraction of manipulated pixels in each patch, in the order of `patchFeatures`. */
export function patchTargets(mask: Mask): number[] {
  const out: number[] = [];
  for (let py = 0; py + PATCH <= mask.height; py += PATCH) {
    for (let px = 0; px + PATCH <= mask.width; px += PATCH) {
      let n = 0;
      for (let y = py; y < py + PATCH; y++) for (let x = px; x < px + PATCH; x++) n += mask.data[y * mask.width + x]!;
      out.push(n / (PATCH * PATCH));
    }
  }
  return out;
}
