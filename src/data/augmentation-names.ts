// The names of the training-time augmentations, apart from augment.ts (which decodes and encodes
// JPEG through sharp), so a config can be checked where no image library is at hand.
/**
 * Training-time augmentation, by name (TrainConfig.augment):
 * - `full`: DEFAULT_AUGMENT (augment.ts): flips, quarter turns, a random zoom of 1–1.5× with a crop, JPEG
 *   re-compression, blur and noise;
 * - `geometric`: flips, quarter turns and a crop at zoom 1: pixels move but are not resampled
 *   (beyond the resize to the input size that evaluation makes too) or re-compressed, so the
 *   low-level traces that tell a tampered region from the rest survive (bench/RESULTS.md, "Which
 *   augmentation keeps the traces");
 * - `none`: the resize to the input size alone.
 */
export type Augmentation = 'full' | 'geometric' | 'none';

export const AUGMENTATIONS: readonly Augmentation[] = ['full', 'geometric', 'none'];
