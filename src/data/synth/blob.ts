// Smooth random region shapes: a star-shaped blob whose radius varies smoothly with the angle,
//   r(θ) = R (1 + Σ_{k=2..4} a_k cos(kθ + φ_k)),  Σ|a_k| ≤ 0.24,
// stretched by at most 15 % along a random axis, and scaled so that its area hits a target.
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

/** A random blob of about `targetArea` pixels lying wholly inside a width×height image. */
export function randomBlob(rng: Rng, width: number, height: number, targetArea: number): { shape: BlobShape; mask: Mask } {
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
  const reach = blobReach(shape);
  shape.cx = reach < width / 2 ? rng.uniform(reach, width - reach) : width / 2;
  shape.cy = reach < height / 2 ? rng.uniform(reach, height - reach) : height / 2;
  return { shape, mask: rasteriseBlob(shape, width, height) };
}
