// Bundles engine code for a browser (the browser test adapter, `ncl selfcheck --browser`): esbuild
// with the "browser" condition, so '#platform' resolves to browser.ts, and a plugin that provides
// the module 'ncl:shaders' from shaders/*.wgsl as they are at bundle time, and ncl's version as the
// constant NCL_VERSION — nothing is generated on disk that could go stale. A caller may add
// modules of its own, generated at bundle time (the browser test adapter's list of test files).
// Runs on Node; esbuild is a development dependency.
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

/** A filter that matches exactly these import names (not their subpaths). */
function exactly(names: string[]): RegExp {
  return new RegExp(`^(${names.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
}

/** Imports named exactly as a key resolve to the file given for it. */
function replaceImports(replacements: Record<string, string>): Plugin {
  return {
    name: 'ncl-replace-imports',
    setup(build) {
      build.onResolve({ filter: exactly(Object.keys(replacements)) }, (args) => ({ path: replacements[args.path]! }));
    },
  };
}

/** A module generated at bundle time: its JavaScript, whose relative imports resolve from `resolveDir`. */
export interface GeneratedModule {
  contents: string;
  resolveDir: string;
}

/** Imports named exactly as a key load the module given for it. */
function generatedModules(modules: Record<string, GeneratedModule>): Plugin {
  return {
    name: 'ncl-generated-modules',
    setup(build) {
      build.onResolve({ filter: exactly(Object.keys(modules)) }, (args) => ({ path: args.path, namespace: 'ncl-generated' }));
      build.onLoad({ filter: /.*/, namespace: 'ncl-generated' }, (args) => ({ ...modules[args.path]!, loader: 'js' }));
    },
  };
}

export interface BundleOptions {
  /** Packages swapped for files (e.g. a test API). */
  replace?: Record<string, string>;
  /** Modules generated at bundle time, by the name they are imported as. */
  modules?: Record<string, GeneratedModule>;
}

/** One ES module with everything `entry` imports. */
export async function bundleForBrowser(entry: string, { replace = {}, modules = {} }: BundleOptions = {}): Promise<string> {
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
    plugins: [inlineShaders, ...(Object.keys(replace).length ? [replaceImports(replace)] : []), ...(Object.keys(modules).length ? [generatedModules(modules)] : [])],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
