// How the files of a prediction are named, so that `ncl predict` writes what `ncl data score`
// reads. For an input `<dir>/<stem>.<ext>` the files are `<stem>.prob.png` (the probability map),
// `<stem>.mask.png` and `<stem>.overlay.png`. Where two inputs share a stem (rgb16.png, rgb16.tif)
// both keep their extension in it (`rgb16.png.prob.png`, `rgb16.tif.prob.png`). Two inputs with the
// same file name in different folders cannot both be named: that is an error naming them
// (the rule: unique-stems.ts, which the browser page shares).
import { basename, extname, join } from 'node:path';
import { uniqueStems } from './unique-stems.ts';

export const PROBABILITY_SUFFIX = '.prob.png';

/** The output stem of each input file (in the inputs' order). */
export function predictionStems(files: readonly string[]): string[] {
  return uniqueStems(files.map((f) => ({ name: basename(f), label: f })), 'predict them into separate --out folders');
}

/** The files in `dir` that may hold the probability map of image `imagePath`, most specific first:
 *  predict's `<name.ext>.prob.png` and `<stem>.prob.png`, then a grey map of another tool named
 *  `<stem>.<any image extension>`. */
export function probabilityCandidates(dir: string, imagePath: string, imageExtensions: readonly string[]): string[] {
  const name = basename(imagePath);
  const stem = basename(imagePath, extname(imagePath));
  return [`${name}${PROBABILITY_SUFFIX}`, `${stem}${PROBABILITY_SUFFIX}`, ...imageExtensions.map((e) => `${stem}${e}`)].map((f) => join(dir, f));
}
