// The browser test adapter: bundles entry.ts (the engine's kernel, op and NCL-op tests) for the
// browser, serves it on 127.0.0.1, opens it in headless Chromium on SwiftShader — WebGPU through
// the WGSL→SPIR-V path, on the CPU — and prints each result as the page posts it. Tests the page
// planned but never reported (a crash, a time-out) count as failed. Without a browser it prints
// why and exits 0, except under CI, where that is a failure.
//   node --import tsx test/browser/run.ts [PATTERN]   (npm test runs it after the Node suite)
// PATTERN, a regular expression, keeps the test files whose names match (e.g. contrastive).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../../src/platform/bundle.ts';

const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
const UVU_SHIM = fileURLToPath(new URL('./uvu.ts', import.meta.url));
const CHROMIUM_FLAGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--no-first-run', '--disable-gpu-sandbox'];
/** The whole run, and the longest wait for the page's next word. */
const TOTAL_TIMEOUT_MS = 30 * 60_000;
const IDLE_TIMEOUT_MS = 5 * 60_000;

function findChromium(): string | null {
  for (const name of [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean) as string[]) {
    if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return name;
  }
  return null;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });

interface Planned {
  file: string;
  name: string;
}

async function main(): Promise<number> {
  const chromium = findChromium();
  if (!chromium) {
    console.log('browser adapter: not run (no chromium on the PATH; Debian: apt-get install chromium, or set CHROMIUM)');
    return process.env.CI ? 1 : 0;
  }
  const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/tests.js"></script>`;
  const script = await bundleForBrowser(ENTRY, { uvu: UVU_SHIM });

  let planned: Planned[] = [];
  let skipped = 0;
  const done = new Map<string, boolean>();
  const failures: string[] = [];
  let currentFile = '';
  let finish: (why: string) => void = () => {};
  const finished = new Promise<string>((resolve) => (finish = resolve));
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(`no word from the page for ${IDLE_TIMEOUT_MS / 60_000} minutes`), IDLE_TIMEOUT_MS);
  };

  const server = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/event') {
      const event = JSON.parse(await body(req)) as Record<string, unknown>;
      res.end('ok');
      touch();
      switch (event.type) {
        case 'adapter':
          console.log(`browser adapter: ${String(event.description)} (${String(event.webgpu)}; profile ${String(event.profile)}, loop cap ${String(event.loopIterationCap ?? 'none')})`);
          break;
        case 'plan':
          planned = event.tests as Planned[];
          skipped = event.skipped as number;
          break;
        case 'note':
          console.log(String(event.text));
          break;
        case 'result': {
          const file = String(event.file);
          if (file !== currentFile) {
            process.stdout.write(`${currentFile ? '\n' : ''}${file} (browser)\n`);
            currentFile = file;
          }
          done.set(`${file}\u0000${String(event.name)}`, event.ok === true);
          process.stdout.write(event.ok ? '• ' : '✘ ');
          if (!event.ok) failures.push(`   FAIL  ${file} "${String(event.name)}"\n    ${String(event.error).replace(/\n/g, '\n    ')}`);
          break;
        }
        case 'done':
          finish('');
          break;
        case 'crash':
          finish(`the page stopped: ${String(event.error)}`);
          break;
      }
      return;
    }
    const isScript = req.url === '/tests.js';
    res.setHeader('content-type', isScript ? 'text/javascript' : 'text/html');
    res.end(isScript ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pattern = process.argv[2];
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${pattern ? `?files=${encodeURIComponent(pattern)}` : ''}`;

  const profileDir = mkdtempSync(join(tmpdir(), 'ncl-chromium-'));
  // Its own process group, so the browser's helper processes end with it.
  const browser: ChildProcess = spawn(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, url], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => browser.on('exit', () => resolve()));
  let browserLog = '';
  browser.stderr!.on('data', (c: Buffer) => (browserLog = (browserLog + c.toString()).slice(-4000)));
  browser.on('exit', (code) => finish(`the browser exited (code ${code})`));
  const overall = setTimeout(() => finish(`the run took longer than ${TOTAL_TIMEOUT_MS / 60_000} minutes`), TOTAL_TIMEOUT_MS);
  touch();
  const why = await finished;
  clearTimeout(overall);
  clearTimeout(idle);
  try {
    process.kill(-browser.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
  server.close();
  rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });

  if (currentFile) process.stdout.write('\n');
  const passed = [...done.values()].filter(Boolean).length;
  const neverRan = planned.filter((t) => !done.has(`${t.file}\u0000${t.name}`));
  if (why) console.log(`\nbrowser adapter: ${why}${browserLog && !planned.length ? `\n${browserLog}` : ''}`);
  if (neverRan.length) failures.push(`   FAIL  ${neverRan.length} test(s) never ran, from ${neverRan[0]!.file} "${neverRan[0]!.name}" on`);
  // A page that never planned anything counts as one failure.
  const total = Math.max(planned.length, done.size, why ? 1 : 0);
  for (const f of failures) console.log(`\n${f}`);
  console.log(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}`);
  console.log(`browser adapter: ${passed} passed, ${total - passed} failed`);
  return passed === total ? 0 : 1;
}

process.exitCode = await main();
