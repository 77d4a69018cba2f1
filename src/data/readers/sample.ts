// What every dataset reader produces: a list of samples, plus warnings about the listing itself.

/** One entry of a dataset. `label`: 1 tampered, 0 authentic, null = decided by the mask when loaded. */
export interface Sample {
  imagePath: string;
  maskPath: string | null;
  label: 0 | 1 | null;
  /** Where a list gave it ("list.txt line 12"), for messages. */
  origin?: string;
}

export type DatasetLayout = 'tp-gt' | 'json-list' | 'text-list';

export interface DatasetListing {
  layout: DatasetLayout;
  /** The path the dataset was opened from. */
  source: string;
  samples: Sample[];
  /** Non-fatal findings about the listing, each naming the files concerned. */
  warnings: string[];
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.bmp'];
