// The engine core (runtime, kernels, autograd, nn, optimisers, NCL ops: src/index.ts) runs in a
// browser: bundled under the "browser" condition, '#platform' resolves to src/platform/browser.ts
// and nothing of Node is left in — esbuild refuses node: imports there, and no Node global is used.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleForBrowser } from '../../src/platform/bundle.ts';

test('src/index.ts bundles for a browser with the browser platform and no Node built-ins', async () => {
  const code = await bundleForBrowser(fileURLToPath(new URL('../../src/index.ts', import.meta.url)));
  assert.match(code, /navigator\.gpu\.requestAdapter/, 'the browser platform is in');
  assert.match(code, /"contrastive_forward":/, 'the shaders are inlined');
  for (const nodeOnly of [/\bprocess\.\w/, /\bBuffer\.\w/, /\brequire\(/, /createRequire/]) assert.not.match(code, nodeOnly);
});

test('an import of a Node built-in makes the browser bundle fail', async () => {
  const entry = fileURLToPath(new URL('../fixtures/uses-node-fs.ts', import.meta.url));
  await bundleForBrowser(entry).then(
    () => assert.unreachable('should not bundle'),
    (e: Error) => assert.match(e.message, /node:fs/),
  );
});

test.run();
