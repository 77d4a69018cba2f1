// The Chromium runner (src/platform/chromium.ts): a page's events arrive whole whatever their
// size and characters, and the browser never outlives its run — aborted, or its runner stopped from
// outside. The browser cases need Chromium; without it they are skipped, except under CI.
import { spawn, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findChromium, readBody, runInChromium } from '../../src/platform/chromium.ts';

const HANGING_PAGE = fileURLToPath(new URL('../fixtures/hanging-page.ts', import.meta.url));
const HANGING_RUNNER = fileURLToPath(new URL('../fixtures/hanging-runner.ts', import.meta.url));
const TEXT = 'é€😀'.repeat(50_000);
const chromium = findChromium();
if (!chromium && process.env.CI) throw new Error('CI needs Chromium for the runner tests');

/** Whether any process of the group `pgid` is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The child of `parent` that leads its own process group: the browser (the bundler's service is
 *  a child too, in its parent's group). */
function browserOf(parent: number): number {
  const rows = spawnSync('ps', ['-o', 'pid=,pgid=', '--ppid', String(parent)]).stdout.toString().trim().split('\n');
  const leader = rows.map((r) => r.trim().split(/\s+/).map(Number)).find(([pid, pgid]) => pid === pgid);
  return leader ? leader[0]! : 0;
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (condition()) return true;
  return condition();
}

test('a body split inside multi-byte characters is decoded whole', async () => {
  const bytes = Buffer.from(JSON.stringify({ type: 'note', text: TEXT }));
  // chunks of 7 bytes: most characters (2, 3 and 4 bytes long) straddle a boundary somewhere
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const event = JSON.parse(await readBody(Readable.from(chunks))) as { text: string };
  assert.is(event.text.length, TEXT.length);
  assert.ok(event.text === TEXT, 'every character intact');
});

test('an aborted run ends at once, says so and leaves no browser; a large event arrives whole', async () => {
  if (!chromium) return console.log('  skipped: no Chromium');
  const controller = new AbortController();
  const texts: string[] = [];
  let browserPid = 0;
  const why = await runInChromium(chromium, {
    entry: HANGING_PAGE,
    signal: controller.signal,
    totalTimeoutMs: 5 * 60_000,
    idleTimeoutMs: 5 * 60_000,
    onEvent: (event) => {
      texts.push(String(event.text));
      browserPid = browserOf(process.pid);
      controller.abort('the test is done');
    },
  });
  assert.match(why, /^aborted: the test is done/);
  assert.equal(texts.length, 1);
  assert.ok(texts[0] === TEXT, `the ${Buffer.byteLength(TEXT)}-byte event arrived intact`);
  assert.ok(browserPid > 0, 'the browser ran in its own process group');
  assert.ok(await waitUntil(() => !groupAlive(browserPid), 10_000), 'the browser and its helpers are gone');
});

test('a runner stopped from outside (SIGTERM) takes its browser with it', async () => {
  if (!chromium) return console.log('  skipped: no Chromium');
  const runner = spawn(process.execPath, ['--import', 'tsx', HANGING_RUNNER], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  runner.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => runner.on('exit', (code) => resolve(code)));
  assert.ok(await waitUntil(() => out.includes('ready'), 120_000), `the page spoke:\n${out}`);
  const browserPid = browserOf(runner.pid!);
  assert.ok(browserPid > 0 && groupAlive(browserPid), 'the browser runs in its own process group');
  runner.kill('SIGTERM');
  assert.is(await exited, 0);
  assert.match(out, /ended: aborted: stopped by SIGTERM/);
  assert.ok(await waitUntil(() => !groupAlive(browserPid), 10_000), 'the browser and its helpers are gone');
});

test.run();
