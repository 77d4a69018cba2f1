// Gaussian blur and Gaussian noise on RGB images (new arrays; the input is left as it is).
import { clamp01, type RgbImage } from './image.ts';
import type { Rng } from '../common/rng.ts';

/** OpenCV's sigma for a Gaussian kernel of odd size k given with sigma 0: 0.3((k − 1)/2 − 1) + 0.8. */
export function sigmaForKernelSize(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`blur kernel size must be an odd positive integer, got ${k}`);
  return 0.3 * ((k - 1) / 2 - 1) + 0.8;
}

function gaussianWeights(sigma: number, radius: number): Float32Array {
  const w = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

/**
 * Separable Gaussian blur with standard deviation `sigma` (pixels), edges clamped. The kernel has
 * radius `radius` (default ⌈3σ⌉); pass (k − 1)/2 with `sigmaForKernelSize(k)` for a k×k kernel.
 */
export function gaussianBlur(image: RgbImage, sigma: number, radius = Math.ceil(3 * sigma)): RgbImage {
  if (!(sigma > 0)) throw new Error(`blur sigma must be > 0, got ${sigma}`);
  const { width: w, height: h } = image;
  const weights = gaussianWeights(sigma, radius);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let t = -radius; t <= radius; t++) {
          const sx = horizontal ? Math.min(w - 1, Math.max(0, x + t)) : x;
          const sy = horizontal ? y : Math.min(h - 1, Math.max(0, y + t));
          const k = weights[t + radius]!;
          const o = (sy * w + sx) * 3;
          r += k * src[o]!;
          g += k * src[o + 1]!;
          b += k * src[o + 2]!;
        }
        const o = (y * w + x) * 3;
        dst[o] = r;
        dst[o + 1] = g;
        dst[o + 2] = b;
      }
    }
    return dst;
  };
  return { width: w, height: h, data: pass(pass(image.data, true), false) };
}

/** Adds independent Gaussian noise of standard deviation `sigma255` (in 0–255 units) to every value, clamped to [0, 1]. */
export function addGaussianNoise(image: RgbImage, sigma255: number, rng: Rng): RgbImage {
  if (!(sigma255 >= 0)) throw new Error(`noise sigma must be ≥ 0, got ${sigma255}`);
  const s = sigma255 / 255;
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = clamp01(image.data[i]! + s * rng.normal());
  return { width: image.width, height: image.height, data: out };
}
