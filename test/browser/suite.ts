// The browser suite: the test files under test/ whose leading comment holds the line
// `// browser: yes`, found when run.ts bundles the page, and given to entry.ts as the module
// 'ncl:browser-tests' (each file's path from test/ and its import). Node only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '../../src/platform/bundle.ts';

export const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));
export const BROWSER_MARKER = '// browser: yes';

export const readTest = (file: string): string => readFileSync(join(TEST_DIR, file), 'utf8');

/** Every test file under test/, by its path from there, in the order the Node suite runs them. */
export function testFiles(): string[] {
  return readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.split(sep).join('/'))
    .sort((a, b) => a.localeCompare(b));
}

/** The comment lines a file begins with. */
function leadingComment(text: string): string[] {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('//'));
  return lines.slice(0, end === -1 ? lines.length : end);
}

/** The test files that run in the browser too. */
export function browserTestFiles(): string[] {
  return testFiles().filter((f) => leadingComment(readTest(f)).includes(BROWSER_MARKER));
}

/** The page's bundle: entry.ts, uvu's API as the page runs it, and the list of test files. */
export function suiteBundle(): BundleOptions & { entry: string } {
  const imports = browserTestFiles().map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(`./${f}`)}),`);
  return {
    entry: fileURLToPath(new URL('./entry.ts', import.meta.url)),
    replace: { uvu: fileURLToPath(new URL('./uvu.ts', import.meta.url)) },
    modules: { 'ncl:browser-tests': { contents: `export default {\n${imports.join('\n')}\n};\n`, resolveDir: TEST_DIR } },
  };
}
