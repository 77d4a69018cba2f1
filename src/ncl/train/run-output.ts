// What a run writes into its folder, begun when it first has something to write (a log record or
// a checkpoint): until then the folder's previous run, and a resumed run's log, stay as they were.
// Beginning moves the previous run aside (run-folder.ts) and starts the log (log.ts).
import { join } from 'node:path';
import { RunLog, type LogRecord } from './log.ts';
import { LOG_FILE, type RunFolder } from './run-folder.ts';

export class RunOutput {
  private readonly log: RunLog;
  private begun = false;

  /** `resumedAt`: the step of the checkpoint the run continues (null for a fresh run). */
  constructor(
    private readonly folder: RunFolder,
    private readonly resumedAt: number | null,
    private readonly notice: (text: string) => void,
  ) {
    this.log = new RunLog(join(folder.dir, LOG_FILE));
  }

  /** Takes the folder over and starts the log, the first time only. */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    const aside = this.folder.takeOver();
    if (aside) this.notice(`the previous run in ${this.folder.dir} was moved to ${aside}`);
    this.log.start(this.resumedAt);
  }

  append(record: LogRecord): void {
    this.begin();
    this.log.append(record);
  }
}
