// Patch labels (docs/method.md §3), on the host: the masks come from the data pipeline as host
// arrays, and the patch sampler needs the kinds on the host, so labelling there costs no
// round trip to the device in the middle of a training step.
//
// For each patch p = (b, gy, gx), a cell of the grid's p×p pixels of mask m [B, 1, H, W]
// (1 = tampered; soft values allowed; border cells partial, as in pooling):
//   ratio[p] = r = (1/|cell|) Σ_{(y, x) ∈ cell} m[b, 0, y, x]
//   kind[p]  = authentic if r ≤ ε, tampered if r ≥ 1 − ε, contour otherwise
// The comparisons use the sum against ε·|cell| and (1 − ε)·|cell|, so with ε = 0 a cell is
// authentic or tampered only when every pixel is.
import type { PatchGrid } from '../ops/patch-pool.ts';

/** Patch kinds, as patchLabels gives them. */
export const PATCH_AUTHENTIC = 0;
export const PATCH_TAMPERED = 1;
export const PATCH_CONTOUR = 2;

export interface PatchLabels {
  /** Tampered ratio per patch. */
  ratio: Float32Array;
  /** PATCH_AUTHENTIC, PATCH_TAMPERED or PATCH_CONTOUR per patch. */
  kind: Uint8Array;
}

/** Ratio and kind per patch of the grid, from the B × H × W mask values (row-major). */
export function patchLabels(mask: ArrayLike<number>, grid: PatchGrid, epsilon = 0): PatchLabels {
  const { batch, h, w, cell, gh, gw } = grid.maskCells;
  if (mask.length !== batch * h * w) {
    throw new Error(`patch labels: ${mask.length} mask values do not match the grid's [${batch}, 1, ${h}, ${w}]`);
  }
  if (!(epsilon >= 0 && epsilon < 0.5)) throw new Error(`patch labels: ε must be in [0, 0.5), got ${epsilon}`);
  const ratio = new Float32Array(grid.patches);
  const kind = new Uint8Array(grid.patches);
  for (let b = 0, p = 0; b < batch; b++) {
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, p++) {
        const [y0, x0] = [gy * cell, gx * cell];
        const [y1, x1] = [Math.min(h, y0 + cell), Math.min(w, x0 + cell)];
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += mask[(b * h + y) * w + x]!;
        const area = (y1 - y0) * (x1 - x0);
        ratio[p] = sum / area;
        kind[p] = sum <= epsilon * area ? PATCH_AUTHENTIC : sum >= (1 - epsilon) * area ? PATCH_TAMPERED : PATCH_CONTOUR;
      }
    }
  }
  return { ratio, kind };
}
