// How the files of a prediction are named, so that `ncl predict` writes what `ncl data score`
// reads. For an input `<dir>/<stem>.<ext>` the files are `<stem>.prob.png` (the probability map),
// `<stem>.mask.png` and `<stem>.overlay.png`. Where two inputs share a stem (rgb16.png, rgb16.tif)
// both keep their extension in it (`rgb16.png.prob.png`, `rgb16.tif.prob.png`). Two inputs with the
// same file name in different folders cannot both be named: that is an error naming them.
import { basename, extname, join } from 'node:path';

export const PROBABILITY_SUFFIX = '.prob.png';

/** The output stem of each input file (in the inputs' order). */
export function predictionStems(files: readonly string[]): string[] {
  const stemOf = (f: string) => basename(f, extname(f));
  const count = (key: (f: string) => string) => {
    const n = new Map<string, number>();
    for (const f of files) n.set(key(f), (n.get(key(f)) ?? 0) + 1);
    return n;
  };
  const stems = count(stemOf);
  const names = count((f) => basename(f));
  return files.map((f) => {
    if (stems.get(stemOf(f)) === 1) return stemOf(f);
    if (names.get(basename(f)) === 1) return basename(f);
    const same = files.filter((g) => basename(g) === basename(f));
    throw new Error(`inputs ${same.join(', ')} share the name ${basename(f)}: their predictions would overwrite each other; predict them into separate --out folders`);
  });
}

/** The files in `dir` that may hold the probability map of image `imagePath`, most specific first:
 *  predict's `<name.ext>.prob.png` and `<stem>.prob.png`, then a grey map of another tool named
 *  `<stem>.<any image extension>`. */
export function probabilityCandidates(dir: string, imagePath: string, imageExtensions: readonly string[]): string[] {
  const name = basename(imagePath);
  const stem = basename(imagePath, extname(imagePath));
  return [`${name}${PROBABILITY_SUFFIX}`, `${stem}${PROBABILITY_SUFFIX}`, ...imageExtensions.map((e) => `${stem}${e}`)].map((f) => join(dir, f));
}
