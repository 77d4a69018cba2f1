// The browser suite's list of test files (suite.ts): it is every test file that carries the marker,
// the marker counts only in a file's leading comment (a marker lower down is an error, not a file
// silently left out), and no file that needs Node is in it — a file importing a Node built-in is
// never marked, and the page bundles for a browser, where esbuild refuses Node built-ins.
import { relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleForBrowser } from '../../src/platform/bundle.ts';
import { BROWSER_MARKER, TEST_DIR, browserTestFiles, readTest, suiteBundle, testFiles } from './suite.ts';

const listed = browserTestFiles();

test('the list is every test file that carries the marker, and only those', () => {
  assert.ok(listed.length > 0, 'no test file is marked for the browser');
  assert.equal(listed, testFiles().filter((f) => readTest(f).includes(BROWSER_MARKER)));
});

test('no test file that imports a Node built-in is in the list', () => {
  const nodeOnly = testFiles().filter((f) => readTest(f).includes("from 'node:"));
  assert.ok(nodeOnly.includes('tree/layers.test.ts'));
  assert.equal(nodeOnly.filter((f) => listed.includes(f)), []);
});

test('the page bundles for a browser with every listed file in it', async () => {
  const { entry, ...options } = suiteBundle();
  const code = await bundleForBrowser(entry, options);
  // esbuild heads each bundled file with its path from the working directory.
  const missing = listed.filter((f) => !code.includes(`// ${relative(process.cwd(), TEST_DIR)}/${f}\n`));
  assert.equal(missing, []);
});

test.run();
