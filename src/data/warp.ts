// Affine resampling of images and masks. The matrix (a gl-matrix mat2d) maps a destination point to
// a source point, in continuous pixel coordinates where pixel (x, y) covers [x, x+1)×[y, y+1), so
// its centre is (x + ½, y + ½). Images are sampled bilinearly, masks by nearest neighbour; samples
// that fall outside the source are clamped to its edge.
import { mat2d, vec2 } from 'gl-matrix';
import { createImage, createMask, type Mask, type RgbImage } from './image.ts';

export function warpImage(src: RgbImage, width: number, height: number, dstToSrc: mat2d): RgbImage {
  const out = createImage(width, height);
  const p = vec2.create();
  const { width: sw, height: sh, data } = src;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      vec2.transformMat2d(p, vec2.set(p, x + 0.5, y + 0.5), dstToSrc);
      const fx = Math.min(Math.max(p[0] - 0.5, 0), sw - 1);
      const fy = Math.min(Math.max(p[1] - 0.5, 0), sh - 1);
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(x0 + 1, sw - 1);
      const y1 = Math.min(y0 + 1, sh - 1);
      const wx = fx - x0;
      const wy = fy - y0;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * sw + x0) * 3 + c]! * (1 - wx) + data[(y0 * sw + x1) * 3 + c]! * wx;
        const bottom = data[(y1 * sw + x0) * 3 + c]! * (1 - wx) + data[(y1 * sw + x1) * 3 + c]! * wx;
        out.data[o + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

export function warpMask(src: Mask, width: number, height: number, dstToSrc: mat2d): Mask {
  const out = createMask(width, height);
  const p = vec2.create();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      vec2.transformMat2d(p, vec2.set(p, x + 0.5, y + 0.5), dstToSrc);
      const sx = Math.min(Math.max(Math.floor(p[0]), 0), src.width - 1);
      const sy = Math.min(Math.max(Math.floor(p[1]), 0), src.height - 1);
      out.data[y * width + x] = src.data[sy * src.width + sx]!;
    }
  }
  return out;
}

/**
 * The destination→source map of "scale by `scale` and rotate by `angle` radians about the source
 * point (sx, sy), and place that point at the destination point (dx, dy)".
 */
export function similarityDstToSrc(dx: number, dy: number, sx: number, sy: number, scale: number, angle: number): mat2d {
  const m = mat2d.create();
  mat2d.translate(m, m, [sx, sy]);
  mat2d.rotate(m, m, -angle);
  mat2d.scale(m, m, [1 / scale, 1 / scale]);
  mat2d.translate(m, m, [-dx, -dy]);
  return m;
}
