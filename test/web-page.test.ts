// The browser page (`ncl web`, src/web/): what it tells a visitor without WebGPU, that the built
// site loads nothing from elsewhere, and — opened in headless Chromium from the server `ncl web`
// starts — that it states the SwiftShader adapter, or with WebGPU unavailable says why.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findChromium } from '../src/platform/chromium.ts';
import { missingWebGpu, noAdapter } from '../src/web/webgpu-advice.ts';
import { ncl } from './helpers/cli.ts';
import { tempDir } from './helpers/data-fixtures.ts';

test('the advice names the missing piece: a secure context, navigator.gpu, an adapter', () => {
  assert.match(missingWebGpu(false, true)!.summary, /not a secure context/);
  assert.match(missingWebGpu(false, true)!.advice[0]!, /127\.0\.0\.1 or http:\/\/localhost/);
  assert.match(missingWebGpu(true, false)!.summary, /navigator\.gpu is missing/);
  assert.is(missingWebGpu(true, true), null);
  assert.match(noAdapter('no adapter here').summary, /gave ncl no device: no adapter here$/);
});

test('ncl web --out writes the page and its script, which load nothing from another host', async () => {
  const { dir, cleanup } = await tempDir('web');
  try {
    const out = join(dir, 'site');
    const run = await ncl('web', '--out', out);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, /wrote 2 files to .*site/);
    assert.equal(readdirSync(out).sort(), ['index.html', 'page.js']);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.equal([...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]), ['page.js'], 'the one resource the page loads is its own script');
    assert.match(html, /<meta name="viewport" content="width=device-width/);
    const script = readFileSync(join(out, 'page.js'), 'utf8');
    assert.not.match(script, /\bimport\s*\(\s*["']https?:|from\s*["']https?:/, 'no module comes from a URL');
    assert.match(script, /fn item\(i: u32\)/, 'the shaders are inlined');
  } finally {
    await cleanup();
  }
});

const chromium = findChromium();

/** The page's DOM after its script ran, opened from `url` with these extra flags. */
function pageAfterScript(url: string, flags: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'ncl-web-'));
  try {
    const args = ['--headless=new', '--no-sandbox', '--no-first-run', `--user-data-dir=${profile}`, ...flags, '--virtual-time-budget=30000', '--dump-dom', url];
    return spawnSync(chromium!, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: profile }, maxBuffer: 2 ** 26 }).stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const name = 'ncl web serves the page; Chromium on SwiftShader sees the adapter stated, without WebGPU the reason';
if (!chromium && !process.env.CI) test.skip(`${name} (skipped: no chromium on the PATH)`, () => {});
else {
  test(name, async () => {
    assert.ok(chromium, 'chromium is needed under CI');
    const server = spawn(process.execPath, ['bin/ncl.js', 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const found = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (found) resolve(found[1]!);
        });
        server.on('exit', (code) => reject(new Error(`ncl web exited (${code}) before it printed a URL: ${out}`)));
      });
      const swiftshader = pageAfterScript(url, ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader']);
      assert.match(swiftshader, /WebGPU adapter found: [^<]*swiftshader[^<]* \(a software adapter on the CPU\)/i);
      assert.match(swiftshader, /<dt>Runs on<\/dt><dd>the CPU: a software adapter, whose timings are not GPU timings<\/dd>/);
      assert.match(swiftshader, /<dt>ncl kernel profile<\/dt><dd>cpu /);
      assert.match(swiftshader, /<td>maxStorageBufferBindingSize<\/td><td>\d+<\/td>/, 'every limit in the folded table');
      const without = pageAfterScript(url, ['--disable-gpu', '--disable-features=WebGPU']);
      assert.match(without, /<div id="adapter-status" role="alert"[^>]*class="problem"><strong>[^<]*(?:navigator\.gpu is missing|gave ncl no device)/);
      const stopped = new Promise<number | null>((resolve) => server.on('exit', resolve));
      server.kill('SIGINT');
      assert.is(await stopped, 0, 'Ctrl-C stops the server cleanly');
    } finally {
      server.kill('SIGKILL');
    }
  });
}

test.run();
