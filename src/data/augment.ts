// Training-time augmentation of an image and its mask. Geometric steps (flips, 90° rotations,
// random scale + crop) move image and mask together; photometric steps (JPEG re-compression,
// Gaussian blur, Gaussian noise) touch the image only. Each step is a pure function; `augment`
// draws which steps run, and their parameters, from the given Rng. The JPEG step compresses with
// the caller's codec (jpeg-codec.ts: sharp's on Node, the browser's in a page), so this file
// imports nothing of Node.
import { mat2d } from 'gl-matrix';
import { addGaussianNoise, gaussianBlur } from './filters.ts';
import { createImage, createMask, type Mask, type RgbImage } from './image.ts';
import type { JpegCodec } from './jpeg-codec.ts';
import type { Rng } from '../common/rng.ts';
import type { Augmentation } from './augmentation-names.ts';
import { warpImage, warpMask } from './warp.ts';

export interface Pair {
  image: RgbImage;
  mask: Mask;
}

function checkPair({ image, mask }: Pair): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new Error(`image is ${image.width}×${image.height} but mask is ${mask.width}×${mask.height}`);
  }
}

/** Moves every pixel (x, y) of the source to `target(x, y)` in a width×height output. */
function remap(pair: Pair, width: number, height: number, target: (x: number, y: number) => number): Pair {
  checkPair(pair);
  const image = createImage(width, height);
  const mask = createMask(width, height);
  const { width: w, height: h } = pair.image;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = y * w + x;
      const d = target(x, y);
      image.data[d * 3] = pair.image.data[s * 3]!;
      image.data[d * 3 + 1] = pair.image.data[s * 3 + 1]!;
      image.data[d * 3 + 2] = pair.image.data[s * 3 + 2]!;
      mask.data[d] = pair.mask.data[s]!;
    }
  }
  return { image, mask };
}

export function flipHorizontal(pair: Pair): Pair {
  const { width: w, height: h } = pair.image;
  return remap(pair, w, h, (x, y) => y * w + (w - 1 - x));
}

export function flipVertical(pair: Pair): Pair {
  const { width: w, height: h } = pair.image;
  return remap(pair, w, h, (x, y) => (h - 1 - y) * w + x);
}

/** Rotation by k quarter turns clockwise (k mod 4); width and height swap for odd k. */
export function rotate90(pair: Pair, k: number): Pair {
  const { width: w, height: h } = pair.image;
  switch (((k % 4) + 4) % 4) {
    case 1: return remap(pair, h, w, (x, y) => x * h + (h - 1 - y));
    case 2: return remap(pair, w, h, (x, y) => (h - 1 - y) * w + (w - 1 - x));
    case 3: return remap(pair, h, w, (x, y) => (w - 1 - x) * h + y);
    default: return pair;
  }
}

/**
 * Zooms by `scale` and takes a size×size window whose top-left corner is at (left, top) in the
 * zoomed image; the image is resampled bilinearly, the mask by nearest neighbour.
 */
export function scaleCrop(pair: Pair, scale: number, left: number, top: number, size: number): Pair {
  checkPair(pair);
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  // destination (u, v) → zoomed (u + left, v + top) → source ((u + left) / scale, (v + top) / scale)
  const m = mat2d.fromScaling(mat2d.create(), [1 / scale, 1 / scale]);
  mat2d.translate(m, m, [left, top]);
  return { image: warpImage(pair.image, size, size, m), mask: warpMask(pair.mask, size, size, m) };
}

export interface AugmentOptions {
  /** Output side; the random scale + crop step always runs and produces size×size. */
  size: number;
  /** Zoom range relative to the scale at which the image's shorter side equals `size`. */
  scale?: [number, number];
  flipProbability?: number;
  rotateProbability?: number;
  jpeg?: { probability: number; quality: [number, number] };
  blur?: { probability: number; sigma: [number, number] };
  noise?: { probability: number; sigma: [number, number] };
}

export const DEFAULT_AUGMENT: Required<Omit<AugmentOptions, 'size'>> = {
  scale: [1, 1.5],
  flipProbability: 0.5,
  rotateProbability: 0.25,
  jpeg: { probability: 0.2, quality: [70, 100] },
  blur: { probability: 0.2, sigma: [0.3, 1.5] },
  noise: { probability: 0.2, sigma: [1, 5] },
};

const off = { probability: 0 };

export const AUGMENT_SETTINGS: Record<Exclude<Augmentation, 'none'>, Required<Omit<AugmentOptions, 'size'>>> = {
  full: DEFAULT_AUGMENT,
  geometric: {
    ...DEFAULT_AUGMENT,
    scale: [1, 1],
    jpeg: { ...DEFAULT_AUGMENT.jpeg, ...off },
    blur: { ...DEFAULT_AUGMENT.blur, ...off },
    noise: { ...DEFAULT_AUGMENT.noise, ...off },
  },
};

/** Draws and applies the augmentation steps, the JPEG step through `jpeg` (needed unless the
 *  options turn that step off); returns the pair and the names of the steps applied. */
export async function augment(pair: Pair, rng: Rng, options: AugmentOptions, jpeg?: JpegCodec): Promise<Pair & { applied: string[] }> {
  const o = { ...DEFAULT_AUGMENT, ...options };
  if (o.jpeg.probability > 0 && !jpeg) {
    throw new Error('this augmentation re-compresses with JPEG: augment needs a JpegCodec (sharpJpeg of data/image-io.ts on Node, the browser\'s of web/browser-jpeg.ts in a page)');
  }
  const applied: string[] = [];
  let out = pair;
  if (rng.chance(o.flipProbability)) { out = flipHorizontal(out); applied.push('flip-h'); }
  if (rng.chance(o.flipProbability)) { out = flipVertical(out); applied.push('flip-v'); }
  if (rng.chance(o.rotateProbability)) {
    const k = rng.int(1, 3);
    out = rotate90(out, k);
    applied.push(`rot90×${k}`);
  }
  const scale = (rng.uniform(o.scale[0], o.scale[1]) * o.size) / Math.min(out.image.width, out.image.height);
  const left = rng.uniform(0, Math.max(0, out.image.width * scale - o.size));
  const top = rng.uniform(0, Math.max(0, out.image.height * scale - o.size));
  out = scaleCrop(out, scale, left, top, o.size);
  applied.push(`scale-crop ${scale.toFixed(3)}`);
  let image = out.image;
  if (rng.chance(o.blur.probability)) {
    const sigma = rng.uniform(o.blur.sigma[0], o.blur.sigma[1]);
    image = gaussianBlur(image, sigma);
    applied.push(`blur σ=${sigma.toFixed(2)}`);
  }
  if (rng.chance(o.noise.probability)) {
    const sigma = rng.uniform(o.noise.sigma[0], o.noise.sigma[1]);
    image = addGaussianNoise(image, sigma, rng);
    applied.push(`noise σ=${sigma.toFixed(2)}`);
  }
  if (rng.chance(o.jpeg.probability)) {
    const quality = rng.int(o.jpeg.quality[0], o.jpeg.quality[1]);
    image = await jpeg!.roundTrip(image, quality);
    applied.push(`jpeg q=${quality}`);
  }
  return { image, mask: out.mask, applied };
}
