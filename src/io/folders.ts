// Creating an output folder with an error that names it and the real cause: a path that names a
// file, a read-only file system, a missing permission (mkdir's own errors say "EEXIST" or
// "ENOENT … mkdir" for these).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError } from './atomic-write.ts';

/** The real error behind a recursive mkdir's ENOENT (Node reports a read-only or forbidden parent so):
 *  the error of creating the first missing folder below the deepest one that exists. */
function realCause(dir: string, e: unknown): unknown {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return e;
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing);
  } catch (inner) {
    return inner;
  }
  return e;
}

/** Creates `dir` and its parents where missing; `what` names it in the error ("output folder"). */
export function createFolder(dir: string, what = 'output folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (thrown) {
    const e = realCause(dir, thrown);
    const code = (e as NodeJS.ErrnoException).code;
    const isFile = code === 'EEXIST' || code === 'ENOTDIR';
    let cause = describeFsError(e);
    if (isFile) cause = statSync(dir, { throwIfNoEntry: false })?.isFile() ? 'a file of that name exists' : 'a part of its path is a file, not a folder';
    throw new Error(`cannot create the ${what} ${dir}: ${cause}`);
  }
}
