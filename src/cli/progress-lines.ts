// Progress of work over many files as plain lines on stderr, terminal or not: one before the first
// file ("checking 3400 samples of the training set …"), then one every PROGRESS_EVERY files and one
// at the end, so a long listing never starts with silence and a log file stays short.
export const PROGRESS_EVERY = 250;

/** An onProgress(done, total) that writes `${verb} …` lines to `write` (stderr by default). */
export function progressLines(verb: string, what: string, write = (line: string) => process.stderr.write(`${line}\n`)): (done: number, total: number) => void {
  return (done, total) => {
    if (done === 0) write(`${verb} ${total} samples of ${what} …`);
    else if (done === total || done % PROGRESS_EVERY === 0) write(`  ${done}/${total}`);
  };
}
