// Decoding one dataset sample into arrays: the image as RGB in [0, 1] (HWC, see image.ts) and its
// mask as 0/1, at the image's size. An authentic sample without a mask file gets an all-zero mask.
import { DataError, readImage, readMaskChannels } from './image-io.ts';
import { createMask, maskArea, type Mask, type RgbImage } from './image.ts';
import { binariseMask, resizeMaskNearest, type MaskRule } from './mask.ts';
import type { Sample } from './readers/sample.ts';

export interface LoadOptions {
  /** How stored mask values become 0/1 (see mask.ts). */
  mask?: MaskRule;
  /** What to do when a mask's size differs from its image's: throw (default) or resize it nearest-neighbour. */
  onSizeMismatch?: 'error' | 'resize';
  /** Skip samples whose files are missing or cannot be decoded, and count them, instead of throwing. */
  skipUnreadable?: boolean;
}

export interface LoadedSample {
  sample: Sample;
  image: RgbImage;
  mask: Mask;
  /** 1 tampered, 0 authentic: the listing's label, or for Tp/Gt whether the mask has any manipulated pixel. */
  label: 0 | 1;
  width: number;
  height: number;
  /** Set when the listing's label says authentic but the mask marks pixels (pixel metrics follow the mask, image-level ones the label). */
  contradiction?: string;
}

export async function loadSample(sample: Sample, options: LoadOptions = {}): Promise<LoadedSample> {
  const image = await readImage(sample.imagePath);
  let mask: Mask;
  if (sample.maskPath === null) {
    mask = createMask(image.width, image.height);
  } else {
    mask = binariseMask(await readMaskChannels(sample.maskPath), options.mask, sample.maskPath);
    if (mask.width !== image.width || mask.height !== image.height) {
      if (options.onSizeMismatch !== 'resize') {
        throw new DataError(
          `size mismatch: image ${sample.imagePath} is ${image.width}×${image.height} but mask ${sample.maskPath} is ${mask.width}×${mask.height} (resize the mask with --mask-resize)`,
          sample.maskPath,
          'shape',
        );
      }
      mask = resizeMaskNearest(mask, image.width, image.height);
    }
  }
  const marked = maskArea(mask);
  const label = sample.label ?? (marked > 0 ? 1 : 0);
  const contradiction =
    sample.label === 0 && marked > 0
      ? `${sample.origin ?? sample.imagePath}: listed as authentic (label 0) but its mask ${sample.maskPath} marks ${((100 * marked) / (mask.width * mask.height)).toFixed(1)} % of the pixels: the pixel metrics count it as tampered, the image-level ones as authentic`
      : undefined;
  return { sample, image, mask, label, width: image.width, height: image.height, ...(contradiction ? { contradiction } : {}) };
}

export interface SkippedSample {
  sample: Sample;
  reason: string;
}

/** Loads samples one at a time; with `skipUnreadable`, missing/corrupt files are recorded, not thrown. */
export class SampleLoader {
  readonly skipped: SkippedSample[] = [];
  /** Samples whose label contradicts their mask (LoadedSample.contradiction), once each. */
  readonly contradictions: string[] = [];

  constructor(readonly options: LoadOptions = {}) {}

  /** The decoded sample, or null when it was skipped (then `skipped` says why). */
  async load(sample: Sample): Promise<LoadedSample | null> {
    try {
      const loaded = await loadSample(sample, this.options);
      if (loaded.contradiction && !this.contradictions.includes(loaded.contradiction)) this.contradictions.push(loaded.contradiction);
      return loaded;
    } catch (e) {
      const skippable = e instanceof DataError && (e.kind === 'missing' || e.kind === 'unreadable');
      if (!this.options.skipUnreadable || !skippable) throw e;
      this.skipped.push({ sample, reason: e.message });
      return null;
    }
  }
}
