// The files of the site beside the page and its script, known to the builder (site.ts,
// site-model.ts) and to the page (predict-section.ts, page-synth.ts).

/** The built-in model: an ncl checkpoint. */
export const MODEL_FILE = 'model.safetensors';
/** Tampered images of the built-in model's synthetic test split. */
export const SAMPLE_FILES = ['sample-1.png', 'sample-2.png'];
/** The list of the built-in photos the site ships (assets/photos, each under its own file name),
 *  a JSON array of file names in the order `ncl synth` reads them (listPhotoFiles: sorted by name). */
export const PHOTO_LIST_FILE = 'photos.json';
/** The photos' licences and authors (assets/photos/ATTRIBUTION.md). */
export const PHOTO_ATTRIBUTION_FILE = 'photos-attribution.md';
