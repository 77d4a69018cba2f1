// Bundles engine code for a browser (the browser test adapter, `ncl selfcheck --browser`): esbuild
// with the "browser" condition, so '#platform' resolves to browser.ts, and a plugin that provides
// the module 'ncl:shaders' from shaders/*.wgsl as they are at bundle time, and ncl's version as the
// constant NCL_VERSION — nothing is generated on disk that could go stale. Runs on Node; esbuild is
// a development dependency.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

const inlineShaders: Plugin = {
  name: 'ncl-shaders',
  setup(build) {
    build.onResolve({ filter: /^ncl:shaders$/ }, () => ({ path: 'shaders', namespace: 'ncl-shaders' }));
    build.onLoad({ filter: /.*/, namespace: 'ncl-shaders' }, () => {
      const files = readdirSync(SHADER_DIR).filter((f) => f.endsWith('.wgsl'));
      const sources = Object.fromEntries(files.map((f) => [f.slice(0, -'.wgsl'.length), readFileSync(join(SHADER_DIR, f), 'utf8')]));
      return { contents: `export default ${JSON.stringify(sources)};`, loader: 'js', watchFiles: files.map((f) => join(SHADER_DIR, f)) };
    });
  },
};

function nclVersion(): string {
  return (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
}

/** Imports named exactly as a key resolve to the file given for it (not its subpaths). */
function replaceImports(replacements: Record<string, string>): Plugin {
  const filter = new RegExp(`^(${Object.keys(replacements).map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'ncl-replace-imports',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: replacements[args.path]! }));
    },
  };
}

/** One ES module with everything `entry` imports; `replace` swaps packages for files (e.g. a test API). */
export async function bundleForBrowser(entry: string, replace: Record<string, string> = {}): Promise<string> {
  const esbuild = await import('esbuild').catch(() => {
    throw new Error('bundling for a browser needs esbuild, a development dependency of ncl: run npm install (or npm install esbuild)');
  });
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { NCL_VERSION: JSON.stringify(nclVersion()) },
    plugins: [inlineShaders, ...(Object.keys(replace).length ? [replaceImports(replace)] : [])],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
