// Smooth random region shapes: a star-shaped blob whose radius varies smoothly with the angle,
//   r(θ) = R (1 + Σ_{k=2..4} a_k cos(kθ + φ_k)),  Σ|a_k| ≤ 0.24,
// stretched by at most 15 % along a random axis, and scaled so that its area hits a target.
// Its centre is uniform over the image widened by a fifth of the blob's reach on every side, and the
// part outside the image is clipped; a centre that leaves less than a quarter of the blob inside is
// drawn again. Centres uniform over the image alone would still favour the middle a little (a blob
// at the border loses its outer part, so border pixels are covered less often): the centre prior's
// mean per-image AUC is then 0.55, with the widening 0.50 (3000 blobs of 5–35 % of a 64 px image;
// test/data/synth-generator.test.ts checks it). docs/data.md, "Where regions are placed".
//
// The centre is drawn in two parts: its ring, max(|u|, |v|) = √q over the widened area in
// coordinates u, v ∈ [−1, 1] (q uniform in [0, 1) gives a uniform centre, since the share of the
// square inside ring t is t²), then its place along the ring. The generator hands the images of a
// split stratified values of q (splits.ts), so a split of 30 images is not by chance one whose
// regions sit mostly in the middle or mostly at the borders.
import { createMask, maskArea, type Mask } from '../image.ts';
import type { Rng } from '../../common/rng.ts';

export interface BlobShape {
  cx: number;
  cy: number;
  radius: number;
  /** Harmonic amplitudes and phases for k = 2, 3, 4. */
  amplitudes: number[];
  phases: number[];
  stretch: number;
  axis: number;
}

/** The largest distance of the blob's edge from its centre. */
export function blobReach(shape: BlobShape): number {
  return shape.radius * (1 + shape.amplitudes.reduce((a, b) => a + Math.abs(b), 0)) * shape.stretch;
}

export function rasteriseBlob(shape: BlobShape, width: number, height: number): Mask {
  const mask = createMask(width, height);
  const cos = Math.cos(shape.axis);
  const sin = Math.sin(shape.axis);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - shape.cx;
      const dy = y + 0.5 - shape.cy;
      // undo the stretch: u along the axis is divided by s, v across it multiplied by s (area kept)
      const u = (dx * cos + dy * sin) / shape.stretch;
      const v = (-dx * sin + dy * cos) * shape.stretch;
      const theta = Math.atan2(v, u);
      let r = 1;
      for (let k = 0; k < shape.amplitudes.length; k++) r += shape.amplitudes[k]! * Math.cos((k + 2) * theta + shape.phases[k]!);
      if (u * u + v * v < (shape.radius * r) ** 2) mask.data[y * width + x] = 1;
    }
  }
  return mask;
}

/** Widening of the range of centres beyond the image, in units of the blob's reach. */
const CENTRE_MARGIN = 0.2;
/** The least share of the blob's unclipped area that must lie inside the image. */
const MIN_INSIDE = 0.25;

/** A point of ring t (max(|u|, |v|) = t, t ≤ 1) of the square [−1, 1]², uniform along the ring. */
function pointOnRing(t: number, rng: Rng): [number, number] {
  const along = rng.uniform(-t, t);
  const side = rng.int(0, 3);
  return side === 0 ? [along, -t] : side === 1 ? [t, along] : side === 2 ? [-along, t] : [-t, -along];
}

/**
 * A random blob of about `targetArea` pixels before clipping, placed anywhere over a width×height
 * image (see the top of this file), its centre on ring √`ring`; the returned mask holds the part
 * inside the image.
 */
export function randomBlob(rng: Rng, width: number, height: number, targetArea: number, ring = rng.uniform(0, 1)): { shape: BlobShape; mask: Mask } {
  const amplitudes = [0.12, 0.08, 0.04].map((a) => rng.uniform(-a, a));
  const phases = amplitudes.map(() => rng.uniform(0, 2 * Math.PI));
  const shape: BlobShape = {
    cx: width / 2,
    cy: height / 2,
    radius: Math.sqrt(targetArea / Math.PI),
    amplitudes,
    phases,
    stretch: rng.uniform(1, 1.15),
    axis: rng.uniform(0, Math.PI),
  };
  // The area of r(θ) is π R² (1 + ½ Σ a_k²) before pixelisation: one measured correction suffices.
  shape.radius *= Math.sqrt(targetArea / Math.max(1, maskArea(rasteriseBlob(shape, width, height))));
  const margin = CENTRE_MARGIN * blobReach(shape);
  const least = MIN_INSIDE * maskArea(rasteriseBlob(shape, width, height));
  for (;;) {
    const [u, v] = pointOnRing(Math.sqrt(ring), rng);
    shape.cx = width / 2 + u * (width / 2 + margin);
    shape.cy = height / 2 + v * (height / 2 + margin);
    const mask = rasteriseBlob(shape, width, height);
    if (maskArea(mask) >= least) return { shape, mask };
  }
}
