// Runs a browser bundle of engine code in headless Chromium on SwiftShader (WebGPU through the
// WGSL→SPIR-V path, on the CPU): bundles the entry (bundle.ts), serves it on 127.0.0.1, opens it,
// and hands each JSON event the page POSTs to /event to `onEvent` until the page posts
// { type: 'done' } or { type: 'crash', error }, the browser exits, a time-out, or the caller's
// abort signal (abortOnStopSignals: Ctrl-C, a scheduler's stop). The browser and its helper
// processes are killed on every way out, a runner that exits or throws included. Node only: the
// test runner and `ncl selfcheck --browser` use it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForBrowser, type BundleOptions } from './bundle.ts';

const FLAGS = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--no-first-run'];

export type PageEvent = Record<string, unknown> & { type: string };

/** A page to run: its bundle (the entry file and bundleForBrowser's options), query, events and limits. */
export interface PageRun extends BundleOptions {
  /** The bundle's entry file. */
  entry: string;
  /** Query string parameters for the page (read with location.search). */
  query?: Record<string, string>;
  onEvent: (event: PageEvent) => void;
  /** The whole run, and the longest wait for the page's next event. */
  totalTimeoutMs: number;
  idleTimeoutMs: number;
  /** Ends the run early: the browser is killed and the reason returned. */
  signal?: AbortSignal;
}

/** A Chromium on this machine: $CHROMIUM, or chromium, chromium-browser, google-chrome on the PATH. */
export function findChromium(): string | null {
  for (const name of [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean) as string[]) {
    if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return name;
  }
  return null;
}

/** A request's whole body as UTF-8: decoded once, after the last chunk, so a character split
 *  across two chunks stays whole. */
export async function readBody(req: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** An abort signal raised by Ctrl-C, SIGTERM or SIGHUP while a run is on; `dispose` restores the
 *  signals' default handling. */
export function abortOnStopSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => controller.abort(`stopped by ${name}`);
  for (const name of STOP_SIGNALS) process.on(name, stop);
  return { signal: controller.signal, dispose: () => STOP_SIGNALS.forEach((name) => process.off(name, stop)) };
}

/** '' when the page posted 'done'; otherwise why the run ended, with the browser's last output. */
export async function runInChromium(chromium: string, run: PageRun): Promise<string> {
  const script = await bundleForBrowser(run.entry, run);
  const page = '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  let finish: (why: string) => void = () => {};
  const finished = new Promise<string>((resolve) => (finish = resolve));
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(`no word from the page for ${run.idleTimeoutMs / 60_000} minutes`), run.idleTimeoutMs);
  };

  const server = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/event') {
      const event = JSON.parse(await readBody(req)) as PageEvent;
      res.end('ok');
      touch();
      if (event.type === 'done') finish('');
      else if (event.type === 'crash') finish(`the page stopped: ${String(event.error)}`);
      else run.onEvent(event);
      return;
    }
    const isScript = req.url === '/page.js';
    res.setHeader('content-type', isScript ? 'text/javascript' : 'text/html');
    res.end(isScript ? script : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const query = new URLSearchParams(run.query ?? {}).toString();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${query ? `?${query}` : ''}`;

  const profileDir = mkdtempSync(join(tmpdir(), 'ncl-chromium-'));
  // Its own process group, so the browser's helper processes end with it; its temporary files go
  // into the profile folder, removed at the end.
  const browser = spawn(chromium, [...FLAGS, `--user-data-dir=${profileDir}`, url], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, TMPDIR: profileDir } });
  const killBrowser = () => {
    try {
      process.kill(-browser.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // A runner that exits before the end (process.exit, an uncaught error) takes the browser with it.
  process.on('exit', killBrowser);
  let log = '';
  browser.stderr.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => browser.on('exit', () => resolve()));
  browser.on('exit', (code) => finish(`the browser exited (code ${code})`));
  const overall = setTimeout(() => finish(`the run took longer than ${run.totalTimeoutMs / 60_000} minutes`), run.totalTimeoutMs);
  const abort = () => finish(`aborted: ${String(run.signal!.reason)}`);
  if (run.signal?.aborted) abort();
  run.signal?.addEventListener('abort', abort);
  touch();
  const why = await finished;
  clearTimeout(overall);
  clearTimeout(idle);
  run.signal?.removeEventListener('abort', abort);
  killBrowser();
  await exited;
  process.off('exit', killBrowser);
  server.close();
  rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  return why && `${why}\n${log.trim().split('\n').slice(-5).join('\n')}`;
}
