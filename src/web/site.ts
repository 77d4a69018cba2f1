// The static site of `ncl web`: index.html, page.js (the page's script with the engine and the
// shaders bundled in, bundle.ts), the built-in photos the page makes the synthetic set from
// (page-synth.ts: assets/photos under their own names, one converted to PNG (SitePhoto),
// photos.json listing them in `ncl synth`'s order, and their attribution) and, unless asked not
// to, the built-in model and sample images the page offers for prediction (site-model.ts),
// written into one folder that any static host can serve. Node only.
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { colourProfileMatters, encodePng, readImage } from '../data/image-io.ts';
import { photoName } from '../data/synth/photo.ts';
import { BUILTIN_PHOTOS_DIR, listPhotoFiles } from '../data/synth/photos.ts';
import { writeFileAtomic, writeTextAtomic } from '../io/atomic-write.ts';
import { createFolder } from '../io/folders.ts';
import { bundleForBrowser } from '../platform/bundle.ts';
import { isServed } from './serve.ts';
import { MODEL_FILE, PHOTO_ATTRIBUTION_FILE, PHOTO_LIST_FILE, SAMPLE_FILES } from './site-files.ts';
import { buildSiteModel } from './site-model.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface SiteOptions {
  /** Steps of the built-in model's training run; 0: no built-in model or sample images. */
  modelSteps: number;
  log: (line: string) => void;
  /** Opens the device the built-in model trains on; called only when it must be trained. */
  openDevice: () => Promise<unknown>;
}

/** A built-in photo as the site ships it: the file itself under its own name or, where its embedded
 *  colour profile changes the pixels `ncl synth` reads (rocket.jpg's Adobe RGB (1998), which sharp
 *  converts into sRGB; a browser converts it too, but only to within a level of sharp's pixels), a
 *  PNG of the pixels sharp reads, under the photo's name, so that the page decodes the same pixels. */
interface SitePhoto {
  source: string;
  name: string;
  converted: boolean;
}

/** The built-in photos in listPhotoFiles's order (the order the split of the photos starts from). */
async function sitePhotos(): Promise<SitePhoto[]> {
  const photos: SitePhoto[] = [];
  for (const source of await listPhotoFiles(BUILTIN_PHOTOS_DIR)) {
    const converted = await colourProfileMatters(source);
    photos.push({ source, name: converted ? `${photoName(basename(source))}.png` : basename(source), converted });
  }
  const names = photos.map((p) => p.name);
  const clashing = names.filter((name, i) => names.indexOf(name) !== i);
  if (clashing.length) throw new Error(`two built-in photos would be shipped as ${clashing.join(', ')}`);
  const unserved = names.filter((name) => !isServed(name));
  if (unserved.length) throw new Error(`serve.ts does not serve the built-in photos ${unserved.join(', ')}: give them a name and an extension it serves`);
  return photos;
}

/** The names of the site's photo files: every built-in photo, their list and their attribution. */
export async function sitePhotoFiles(): Promise<string[]> {
  return [...(await sitePhotos()).map((p) => p.name), PHOTO_LIST_FILE, PHOTO_ATTRIBUTION_FILE];
}

/** Writes the built-in photos (SitePhoto), photos.json (their file names in listPhotoFiles's order)
 *  and their attribution, with a note on any photo converted, into `out` (created if missing);
 *  returns their paths. */
export async function writeSitePhotos(out: string): Promise<string[]> {
  createFolder(out);
  const photos = await sitePhotos();
  for (const p of photos) writeFileAtomic(join(out, p.name), [p.converted ? await encodePng(await readImage(p.source)) : readFileSync(p.source)]);
  writeTextAtomic(join(out, PHOTO_LIST_FILE), `${JSON.stringify(photos.map((p) => p.name), null, 1)}\n`);
  const converted = photos.filter((p) => p.converted).map((p) => `${basename(p.source)} is shipped as ${p.name}`);
  const note = converted.length ? `\n## On the site of \`ncl web\`\n\n${converted.join('; ')}: its pixels as \`ncl synth\` reads them, converted from the file's embedded colour profile into sRGB, so that a browser decodes the same pixels.\n` : '';
  writeTextAtomic(join(out, PHOTO_ATTRIBUTION_FILE), readFileSync(join(BUILTIN_PHOTOS_DIR, 'ATTRIBUTION.md'), 'utf8') + note);
  return [...photos.map((p) => p.name), PHOTO_LIST_FILE, PHOTO_ATTRIBUTION_FILE].map((name) => join(out, name));
}

/** Builds the site into `out` (created if missing; the site's files replaced); returns the files written or kept. */
export async function buildSite(out: string, o: SiteOptions): Promise<string[]> {
  const files: Record<string, string> = {
    'index.html': readFileSync(join(HERE, 'index.html'), 'utf8'),
    'page.js': await bundleForBrowser(join(HERE, 'page.ts')),
  };
  createFolder(out);
  for (const [name, text] of Object.entries(files)) writeTextAtomic(join(out, name), text);
  const photos = await writeSitePhotos(out);
  if (o.modelSteps === 0) for (const name of [MODEL_FILE, ...SAMPLE_FILES]) rmSync(join(out, name), { force: true });
  const model = o.modelSteps > 0 ? await buildSiteModel(out, o.modelSteps, o.log, o.openDevice) : [];
  return [...Object.keys(files).map((name) => join(out, name)), ...photos, ...model];
}
