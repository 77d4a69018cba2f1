// A run folder belongs to one run at a time.
//
// - A lock file (run.lock: PID, start time, command) keeps a second process out, with a message
//   naming the holder; a lock whose process is no longer alive is stale and taken over, with a
//   notice.
// - A folder that holds another run (its checkpoint or log) is refused unless the run continues it
//   (--resume of the checkpoint in it), or the caller said what to do with the old run: move it
//   aside into previous-<time>/ (`ncl train --force`) or replace it (the demo and the ablation,
//   whose run folders are their own).
// - A temporary file of an atomic write (src/io/atomic-write.ts) whose process is gone, left by a
//   run killed mid-write, is removed when the folder is claimed, with a notice.
// - Nothing of the old run is touched until the new run calls `takeOver()`, which the trainer does
//   once its first step has completed: a run that fails at start leaves the folder as it was.
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createFolder } from '../../io/folders.ts';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const LOG_FILE = 'log.jsonl';
/** The checkpoint of the step with the best validation pixel F1 so far. */
export const BEST_CHECKPOINT_FILE = 'best.safetensors';
export const LOCK_FILE = 'run.lock';
/** The files that make a folder a run's. */
const RUN_FILES = [CHECKPOINT_FILE, LOG_FILE, BEST_CHECKPOINT_FILE];

/** What a new run does with another run found in its folder. */
export type ExistingRun = 'refuse' | 'move-aside' | 'replace';

interface LockHolder {
  pid: number;
  started: string;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null; // unreadable: written by a process that died mid-write
  }
}

/** Creates the lock file, or explains who holds it; a stale lock is taken over. */
function lock(dir: string, notice: (text: string) => void): string {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock the run folder ${dir}: ${(e as Error).message}`);
    }
    const holder = readHolder(path);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      throw new Error(`${dir} is in use by another run: process ${holder.pid}, started ${holder.started} (${holder.command}). Wait for it to finish, stop it, or choose another --out`);
    }
    notice(`taking over ${dir}: its lock (${path}) was left by process ${holder?.pid ?? '?'}, which is no longer running`);
    unlinkSync(path);
  }
}

/** Removes the temporary files of atomic writes whose process is no longer running. */
function removeOrphanedWrites(dir: string, notice: (text: string) => void): void {
  for (const name of readdirSync(dir)) {
    const m = /^\.(.+)\.(\d+)\.tmp$/.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    rmSync(join(dir, name), { force: true });
    notice(`removed ${join(dir, name)}: an unfinished write of ${m[1]} by process ${m[2]}, which is no longer running`);
  }
}

export class RunFolder {
  private lockPath: string | null;
  private found: string[];

  private constructor(
    readonly dir: string,
    lockPath: string,
    found: string[],
    private readonly existing: ExistingRun,
  ) {
    this.lockPath = lockPath;
    this.found = found;
  }

  /**
   * Creates and locks `dir` for a run. `resume`: the checkpoint the run continues (a run in the
   * same folder is then its own). Throws, leaving the folder as it was, when another run holds it
   * and `existing` is 'refuse'.
   */
  static claim(dir: string, o: { existing: ExistingRun; resume?: string; notice: (text: string) => void }): RunFolder {
    createFolder(dir, 'run folder');
    const lockPath = lock(dir, o.notice);
    removeOrphanedWrites(dir, o.notice);
    const continuing = o.resume !== undefined && resolve(dirname(o.resume)) === resolve(dir);
    const found = continuing ? [] : RUN_FILES.filter((f) => existsSync(join(dir, f)));
    if (found.length > 0 && o.existing === 'refuse') {
      unlinkSync(lockPath);
      throw new Error(
        `${dir} holds another run (${found.join(', ')}). Continue it with --resume ${join(dir, CHECKPOINT_FILE)}, ` +
          `start anew with --force (its files are moved to ${join(dir, 'previous-<time>')}/), or choose another --out`,
      );
    }
    return new RunFolder(dir, lockPath, found, o.existing);
  }

  /** Moves the previous run's files aside (or deletes them for 'replace'); returns where they went. */
  takeOver(): string | null {
    if (this.found.length === 0) return null;
    const files = this.found;
    this.found = [];
    if (this.existing === 'replace') {
      for (const f of files) rmSync(join(this.dir, f), { force: true });
      return null;
    }
    const aside = join(this.dir, `previous-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(aside);
    for (const f of files) renameSync(join(this.dir, f), join(aside, f));
    return aside;
  }

  /** Removes the lock (idempotent). */
  release(): void {
    if (this.lockPath && readHolder(this.lockPath)?.pid === process.pid) unlinkSync(this.lockPath);
    this.lockPath = null;
  }
}
