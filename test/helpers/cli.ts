// Runs the real `ncl` entry point (bin/ncl.js) in a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NCL_BIN = fileURLToPath(new URL('../../bin/ncl.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a child `ncl`: tests train with kernel tuning off (docs/training.md). */
export const CLI_ENV = { ...process.env, NCL_TUNE: 'off' };

/** `ncl ...args`: its exit code and output (killed after 5 minutes). */
export function ncl(...args: string[]): Promise<CliResult> {
  return nclWith({}, ...args);
}

/** `ncl ...args` with variables added to CLI_ENV. */
export function nclWith(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [NCL_BIN, ...args], { timeout: 300_000, maxBuffer: 2 ** 24, env: { ...CLI_ENV, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
