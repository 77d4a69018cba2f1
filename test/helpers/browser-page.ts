// A page opened in headless Chromium and driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: JSON messages ended by a NUL byte, commands on fd 3, replies and
// events on fd 4): evaluate script in the page, wait for a state, press keys, set the viewport,
// take screenshots, and collect console errors and uncaught exceptions.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export class BrowserPage {
  /** Console errors and uncaught exceptions of the page, in order. */
  readonly errors: string[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private sessionId = '';

  private constructor(
    private readonly browser: ChildProcess,
    private readonly profile: string,
  ) {
    let buffered = '';
    (browser.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\0')) >= 0) {
        this.receive(JSON.parse(buffered.slice(0, end)) as Message);
        buffered = buffered.slice(end + 1);
      }
    });
    browser.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('the browser exited'));
      this.pending.clear();
    });
  }

  /** Chromium with `flags`, showing `url` in a `width`×`height` viewport. */
  static async open(chromium: string, url: string, flags: string[], width = 1100, height = 900): Promise<BrowserPage> {
    const profile = mkdtempSync(join(tmpdir(), 'ncl-page-'));
    const args = ['--headless=new', '--no-sandbox', '--no-first-run', '--remote-debugging-pipe', `--user-data-dir=${profile}`, ...flags, 'about:blank'];
    const browser = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TMPDIR: profile } });
    const page = new BrowserPage(browser, profile);
    const { targetId } = (await page.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    page.sessionId = ((await page.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }).sessionId;
    await page.send('Runtime.enable');
    await page.send('Log.enable');
    await page.send('Page.enable');
    await page.setViewport(width, height);
    await page.send('Page.navigate', { url });
    return page;
  }

  private receive(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m);
      return;
    }
    if (m.method === 'Runtime.exceptionThrown') {
      const details = m.params!.exceptionDetails as { text: string; exception?: { description?: string } };
      this.errors.push(`uncaught: ${details.exception?.description ?? details.text}`);
    } else if (m.method === 'Runtime.consoleAPICalled' && m.params!.type === 'error') {
      this.errors.push(`console.error: ${(m.params!.args as Array<{ value?: unknown; description?: string }>).map((a) => String(a.value ?? a.description)).join(' ')}`);
    } else if (m.method === 'Log.entryAdded') {
      const entry = m.params!.entry as { level: string; text: string; url?: string };
      if (entry.level === 'error') this.errors.push(`log: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`);
    }
  }

  private send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message = { id, method, params, ...(this.sessionId ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (m) => resolve(m.result ?? {}), reject });
      (this.browser.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** The value of `expression` in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text} (${expression})`);
    return r.result.value;
  }

  /** Waits until `expression` is truthy in the page; throws after `timeoutMs` naming it. */
  async waitFor(expression: string, timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`).catch(() => false))) {
      if (performance.now() > end) throw new Error(`the page did not reach ${expression} in ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Presses and releases a key (e.g. 'Tab', 'Enter') on the focused element. */
  async press(key: 'Tab' | 'Enter'): Promise<void> {
    const codes = { Tab: 9, Enter: 13 };
    const common = { key, code: key, windowsVirtualKeyCode: codes[key], ...(key === 'Enter' ? { text: '\r' } : {}) };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', ...common });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: key, windowsVirtualKeyCode: codes[key] });
  }

  /** Picks files in the page's file input `selector` as a visitor would; its change event fires.
   *  (The protocol takes absolute paths only: a relative one gets no answer.) */
  async setFiles(selector: string, files: string[]): Promise<void> {
    const { root } = (await this.send('DOM.getDocument')) as { root: { nodeId: number } };
    const { nodeId } = (await this.send('DOM.querySelector', { nodeId: root.nodeId, selector })) as { nodeId: number };
    if (!nodeId) throw new Error(`no element ${selector} in the page`);
    await this.send('DOM.setFileInputFiles', { nodeId, files: files.map((f) => resolve(f)) });
  }

  async setViewport(width: number, height: number): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 600 });
  }

  /** A PNG of the whole page at `path`. */
  async screenshot(path: string): Promise<void> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    writeFileSync(path, Buffer.from(data, 'base64'));
  }

  /** Ends the browser and its helper processes, and removes its profile. */
  close(): void {
    try {
      process.kill(-this.browser.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
