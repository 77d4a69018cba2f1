// The built-in synthetic tampering set made in the page, without Node: the photos the site ships
// (site.ts copies assets/photos, rocket.jpg as a PNG of the pixels sharp reads, and lists them in
// photos.json in the order `ncl synth` reads them) fetched and decoded by the browser, and the
// samples made by the generator's own core (data/synth/synthesise.ts) with the browser's JPEG
// codec (browser-jpeg.ts), held in memory.
// The same settings give `ncl synth`'s set: in Chromium the same images and masks, byte for byte,
// and the same records but for a few numbers that the JavaScript engines' Math.exp, Math.log, …
// compute one bit apart (docs/data.md gives the measurements; test/web/synth-in-page.test.ts
// checks them). No draw depends on pixel values, so with another browser's JPEG codec only the
// images would differ.
import type { Mask, RgbImage } from '../data/image.ts';
import { photoName, type Photo } from '../data/synth/photo.ts';
import type { SplitName } from '../data/synth/splits.ts';
import { resolveSynthSettings, synthesise, type SynthRecord, type SynthSettings } from '../data/synth/synthesise.ts';
import { browserJpeg } from './browser-jpeg.ts';
import { decodeImageFile } from './canvas-images.ts';
import { fetchOk } from './dom.ts';
import { PHOTO_LIST_FILE } from './site-files.ts';

/** The built-in photos the site ships, decoded by the browser, in the order of photos.json (which
 *  is the order `ncl synth` reads them in). */
async function loadSitePhotos(): Promise<Photo[]> {
  const list: unknown = await (await fetchOk(PHOTO_LIST_FILE)).json();
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && /^[\w.-]+$/.test(n))) {
    throw new Error(`${PHOTO_LIST_FILE} is not a list of file names`);
  }
  return Promise.all((list as string[]).map(async (file) => ({ name: photoName(file), image: await decodeImageFile(await (await fetchOk(file)).blob(), file) })));
}

/** `ncl synth`'s settings; those left out take its defaults. */
export type PageSynthOptions = Partial<SynthSettings>;

/** A sample of the set in memory: its name (its image's path in a set `ncl synth` writes, e.g.
 *  val/Tp/00003.png), its image, its 0/1 mask and its record (as in meta.json). */
export interface PageSynthSample {
  name: string;
  image: RgbImage;
  mask: Mask;
  record: SynthRecord;
}

/** The set in memory: the photos of each split, every record in `ncl synth`'s order, and the
 *  samples of each split. */
export type PageSynthSet = {
  photos: Record<SplitName, string[]>;
  records: SynthRecord[];
} & Record<SplitName, PageSynthSample[]>;

/** Makes the synthetic set of `options` (`ncl synth`'s defaults) in the page; `onProgress` hears
 *  of every image made. */
export async function synthesiseInPage(options: PageSynthOptions = {}, onProgress?: (done: number, total: number) => void): Promise<PageSynthSet> {
  const settings = resolveSynthSettings(options);
  const synthesis = synthesise(settings, await loadSitePhotos(), browserJpeg);
  const set: PageSynthSet = { photos: synthesis.photos, records: [], train: [], val: [], test: [] };
  for await (const { image, mask, record } of synthesis.samples) {
    set[record.split].push({ name: record.image, image, mask, record });
    set.records.push(record);
    onProgress?.(set.records.length, settings.count);
  }
  return set;
}
