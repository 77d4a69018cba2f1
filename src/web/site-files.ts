// The files of the site beside the page and its script, known to the builder (site-model.ts) and
// to the page (predict-section.ts).

/** The built-in model: an ncl checkpoint. */
export const MODEL_FILE = 'model.safetensors';
/** Tampered images of the built-in model's synthetic test split. */
export const SAMPLE_FILES = ['sample-1.png', 'sample-2.png'];
