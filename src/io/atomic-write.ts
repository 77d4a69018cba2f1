// Writing a file so that readers see either the old content or the new, never a torn one:
// write a temporary file beside it, flush it to disk, then rename over the target. A failure
// removes the temporary file and throws an error naming the target and the cause in words
// (the disk is full, the file system is read-only, permission denied, …).
//
// Test-only fault injection: NCL_TEST_WRITE_FAULT="CODE:text" makes every write to a path that
// contains `text` fail with the errno CODE (ENOSPC, EROFS, EACCES, …) after its first bytes, as a
// full disk does, and NCL_TEST_READ_FAULT="CODE:text" every read of an image or mask by
// src/data/image-io.ts, so the tests can show what each command does then (root ignores file
// modes, and a small full file system cannot be mounted everywhere).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EISDIR: 'it is a folder',
  EIO: 'an input/output error of the disk',
};

/** "the disk is full (ENOSPC)" for a file-system error, else the error's own message. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code && CAUSES[code] ? `${CAUSES[code]} (${code})` : (e as Error).message;
}

/** The fault NCL_TEST_WRITE_FAULT or NCL_TEST_READ_FAULT injects into an access to `path`, if any. */
export function injectedFault(path: string, access: 'write' | 'read' = 'write'): NodeJS.ErrnoException | null {
  const spec = access === 'write' ? process.env.NCL_TEST_WRITE_FAULT : process.env.NCL_TEST_READ_FAULT;
  if (!spec) return null;
  const [code, text = ''] = spec.split(/:(.*)/s);
  if (!path.includes(text)) return null;
  return Object.assign(new Error(`${code}: injected ${access} fault, ${access} '${path}'`), { code });
}

export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w');
    const fault = injectedFault(path);
    for (const c of chunks) {
      let off = 0;
      while (off < c.byteLength) {
        off += writeSync(fd, c, off, fault ? Math.min(16, c.byteLength - off) : c.byteLength - off);
        if (fault) throw fault;
      }
    }
    if (fault) throw fault;
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw Object.assign(new Error(`could not write ${path}: ${describeFsError(e)}`), { code: (e as NodeJS.ErrnoException).code, path });
  }
}

export function writeTextAtomic(path: string, text: string): void {
  writeFileAtomic(path, [new TextEncoder().encode(text)]);
}
