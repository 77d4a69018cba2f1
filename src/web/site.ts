// The static site of `ncl web`: index.html and page.js (the page's script with the engine and the
// shaders bundled in, bundle.ts), written into one folder that any static host can serve. Node only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTextAtomic } from '../io/atomic-write.ts';
import { createFolder } from '../io/folders.ts';
import { bundleForBrowser } from '../platform/bundle.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Builds the site into `out` (created if missing; the site's files replaced); returns the files written. */
export async function buildSite(out: string): Promise<string[]> {
  const files: Record<string, string> = {
    'index.html': readFileSync(join(HERE, 'index.html'), 'utf8'),
    'page.js': await bundleForBrowser(join(HERE, 'page.ts')),
  };
  createFolder(out);
  for (const [name, text] of Object.entries(files)) writeTextAtomic(join(out, name), text);
  return Object.keys(files).map((name) => join(out, name));
}
