// The in-memory image types shared by the readers, the generator, augmentation and the metrics.

/** An RGB image, interleaved HWC: pixel (x, y) channel c is data[(y * width + x) * 3 + c], in [0, 1]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** A binary mask, row-major H×W: 1 = manipulated pixel, 0 = authentic. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A per-pixel probability of manipulation, row-major H×W, in [0, 1]. */
export interface ProbabilityMap {
  width: number;
  height: number;
  data: Float32Array;
}

export function createImage(width: number, height: number): RgbImage {
  return { width, height, data: new Float32Array(width * height * 3) };
}

export function createMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

/** The planar CHW copy of an image (all red values, then green, then blue), as conv layers take it. */
export function imageToChw(image: RgbImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[c * n + p] = image.data[p * 3 + c]!;
  return out;
}

/** Number of manipulated pixels. */
export function maskArea(mask: Mask): number {
  let n = 0;
  for (const v of mask.data) n += v;
  return n;
}

/** Rounds an image to 8 bits per channel and back, as saving it to a lossless file would. */
export function quantise(image: RgbImage): RgbImage {
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(clamp01(image.data[i]!) * 255) / 255;
  return { width: image.width, height: image.height, data: out };
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Values in [0, 1] (a probability map, a 0/1 mask) as 8-bit grey, round(v·255): what the PNGs of a prediction hold. */
export function greyBytes(map: { data: ArrayLike<number> }): Uint8Array {
  return Uint8Array.from(map.data, (v) => Math.round(clamp01(v) * 255));
}

/** Converts to interleaved 8-bit RGB bytes. */
export function imageToBytes(image: RgbImage): Uint8Array {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(clamp01(image.data[i]!) * 255);
  return out;
}

export function imageFromBytes(bytes: Uint8Array, width: number, height: number): RgbImage {
  if (bytes.length !== width * height * 3) {
    throw new Error(`expected ${width}×${height}×3 = ${width * height * 3} bytes, got ${bytes.length}`);
  }
  const data = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) data[i] = bytes[i]! / 255;
  return { width, height, data };
}
