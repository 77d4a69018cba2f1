// Creating an output folder with an error that names it and the real cause: a path that names a
// file, a read-only file system, a missing permission (mkdir's own errors say "EEXIST" or
// "ENOENT … mkdir" for these).
import { mkdirSync, statSync } from 'node:fs';
import { describeFsError } from './atomic-write.ts';

/** Creates `dir` and its parents where missing; `what` names it in the error ("output folder"). */
export function createFolder(dir: string, what = 'output folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const isFile = code === 'EEXIST' || code === 'ENOTDIR';
    let cause = describeFsError(e);
    if (isFile) cause = statSync(dir, { throwIfNoEntry: false })?.isFile() ? 'a file of that name exists' : 'a part of its path is a file, not a folder';
    throw new Error(`cannot create the ${what} ${dir}: ${cause}`);
  }
}
