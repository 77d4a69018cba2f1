// Serves one folder's files on 127.0.0.1 (a secure context, so browsers offer WebGPU to the page):
// GET and HEAD of the files directly in it whose type it knows (the page, its script, images, the
// photos' list and attribution, checkpoints), nothing else. Node only.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

/** Whether the server serves a file of this name (a plain name with an extension it knows). */
export function isServed(name: string): boolean {
  return /^[\w.-]+$/.test(name) && extname(name) in TYPES;
}

export interface Served {
  url: string;
  close: () => Promise<void>;
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port); a port in use is an error naming it. */
export async function serveFolder(dir: string, port: number): Promise<Served> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const name = path === '/' ? 'index.html' : path.slice(1);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isServed(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': TYPES[extname(name)]!, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is in use: choose another with --port` : `cannot serve on 127.0.0.1:${port}: ${e.message}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
