// The static site of `ncl web`: index.html, page.js (the page's script with the engine and the
// shaders bundled in, bundle.ts) and, unless asked not to, the built-in model and sample images
// the page offers for prediction (site-model.ts), written into one folder that any static host can
// serve. Node only.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTextAtomic } from '../io/atomic-write.ts';
import { createFolder } from '../io/folders.ts';
import { bundleForBrowser } from '../platform/bundle.ts';
import { MODEL_FILE, SAMPLE_FILES } from './site-files.ts';
import { buildSiteModel } from './site-model.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface SiteOptions {
  /** Steps of the built-in model's training run; 0: no built-in model or sample images. */
  modelSteps: number;
  log: (line: string) => void;
}

/** Builds the site into `out` (created if missing; the site's files replaced); returns the files written or kept. */
export async function buildSite(out: string, o: SiteOptions): Promise<string[]> {
  const files: Record<string, string> = {
    'index.html': readFileSync(join(HERE, 'index.html'), 'utf8'),
    'page.js': await bundleForBrowser(join(HERE, 'page.ts')),
  };
  createFolder(out);
  for (const [name, text] of Object.entries(files)) writeTextAtomic(join(out, name), text);
  if (o.modelSteps === 0) for (const name of [MODEL_FILE, ...SAMPLE_FILES]) rmSync(join(out, name), { force: true });
  const model = o.modelSteps > 0 ? await buildSiteModel(out, o.modelSteps, o.log) : [];
  return [...Object.keys(files).map((name) => join(out, name)), ...model];
}
