// Turning a stored mask file into a binary mask, by one documented rule.
//
// Default: a pixel is manipulated when the mean of its channels is > 127.5 (white = manipulated).
// `channel`: use that channel alone instead of the mean (for colour-coded masks).
// `anyNonzero`: a pixel is manipulated when the value used (mean, or the chosen channel) is > 0;
//   with neither option set this means "any channel > 0".
// `invert`: swap the two classes at the end (NIST16 marks manipulated pixels black).
import type { RawChannels } from './image-io.ts';
import { createMask, type Mask } from './image.ts';

export interface MaskRule {
  invert?: boolean;
  channel?: 0 | 1 | 2;
  anyNonzero?: boolean;
}

export function binariseMask(raw: RawChannels, rule: MaskRule = {}, file = 'mask'): Mask {
  const { width, height, channels, data } = raw;
  if (rule.channel !== undefined && rule.channel >= channels) {
    throw new Error(`--mask-channel ${rule.channel} asked for, but ${file} has ${channels} channel(s)`);
  }
  const mask = createMask(width, height);
  const invert = rule.invert ? 1 : 0;
  for (let p = 0; p < width * height; p++) {
    const base = p * channels;
    let hit: boolean;
    if (rule.channel !== undefined) {
      const v = data[base + rule.channel]!;
      hit = rule.anyNonzero ? v > 0 : v > 127.5;
    } else if (rule.anyNonzero) {
      hit = false;
      for (let c = 0; c < channels; c++) if (data[base + c]! > 0) hit = true;
    } else {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += data[base + c]!;
      hit = sum / channels > 127.5;
    }
    mask.data[p] = (hit ? 1 : 0) ^ invert;
  }
  return mask;
}

/** Fraction of pixels whose stored value (mean over channels) is neither 0 nor 255. */
export function nonBinaryFraction(raw: RawChannels): number {
  let odd = 0;
  const n = raw.width * raw.height;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < raw.channels; c++) {
      const v = raw.data[p * raw.channels + c]!;
      if (v !== 0 && v !== 255) {
        odd++;
        break;
      }
    }
  }
  return n === 0 ? 0 : odd / n;
}

/** Nearest-neighbour resize of a mask (pixel centres mapped onto pixel centres). */
export function resizeMaskNearest(mask: Mask, width: number, height: number): Mask {
  const out = createMask(width, height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
      out.data[y * width + x] = mask.data[sy * mask.width + sx]!;
    }
  }
  return out;
}
