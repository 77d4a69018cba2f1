// Boundary-band F1: pixel F1 counted only within a band around the mask's edge, where contour
// patches lie and where NCL claims its gain (docs/method.md §1). An edge pixel is one whose mask
// value differs from that of one of its 4 neighbours (both sides of the edge are edge pixels; the
// image border is no edge). The band holds every pixel within `radius` pixels of an edge pixel in
// both axes (Chebyshev distance ≤ radius): ±8 px by default.
import type { Mask } from '../data/image.ts';

export const BOUNDARY_RADIUS = 8;

/** 1 where a pixel differs from a 4-neighbour. */
function edges(mask: Mask): Uint8Array {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const v = data[p];
      if ((x > 0 && data[p - 1] !== v) || (x < w - 1 && data[p + 1] !== v) || (y > 0 && data[p - w] !== v) || (y < h - 1 && data[p + w] !== v)) out[p] = 1;
    }
  }
  return out;
}

/** Dilation by a (2r+1)-long segment along one axis: running counts of marked pixels in the window. */
function dilateAxis(marks: Uint8Array, w: number, h: number, r: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(marks.length);
  const [lines, length] = horizontal ? [h, w] : [w, h];
  const at = (line: number, i: number) => (horizontal ? line * w + i : i * w + line);
  for (let line = 0; line < lines; line++) {
    let count = 0;
    for (let i = 0; i < Math.min(r, length); i++) count += marks[at(line, i)]!;
    for (let i = 0; i < length; i++) {
      if (i + r < length) count += marks[at(line, i + r)]!;
      if (i - r - 1 >= 0) count -= marks[at(line, i - r - 1)]!;
      if (count > 0) out[at(line, i)] = 1;
    }
  }
  return out;
}

/** 1 for the pixels within `radius` (Chebyshev) of the mask's edge. */
export function boundaryBand(mask: Mask, radius = BOUNDARY_RADIUS): Uint8Array {
  const { width: w, height: h } = mask;
  return dilateAxis(dilateAxis(edges(mask), w, h, radius, true), w, h, radius, false);
}

/** Pixel F1 at the threshold over the band's pixels; null when the band holds no manipulated pixel. */
export function boundaryF1(prob: Float32Array, mask: Mask, threshold = 0.5, radius = BOUNDARY_RADIUS): number | null {
  const band = boundaryBand(mask, radius);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let p = 0; p < band.length; p++) {
    if (!band[p]) continue;
    const predicted = prob[p]! > threshold;
    if (mask.data[p]) predicted ? tp++ : fn++;
    else if (predicted) fp++;
  }
  return tp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn);
}
