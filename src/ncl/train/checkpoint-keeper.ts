// The run's checkpoints (checkpoint.ts; each write atomic, so a failed one leaves the file as it
// was): checkpoint.safetensors on the config's cadence and at the end, best.safetensors at each new
// best validation pixel F1, and a copy of the state on the host, refreshed every so often, since a
// lost device can no longer be read. After a failure, `rescue` saves the last completed step from
// the device, or else that copy.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { NclNetwork } from '../method/model/network.ts';
import { captureState, type RunState } from './checkpoint-codec.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import type { TrainConfig } from './config.ts';
import { readLog, type LogRecord } from './log.ts';
import type { DataRecord } from './run-data.ts';
import { BEST_CHECKPOINT_FILE, CHECKPOINT_FILE, LOG_FILE } from './run-folder.ts';
import type { RunOutput } from './run-output.ts';

/** best.safetensors, and the step and validation pixel F1 it holds. */
export interface BestCheckpoint {
  checkpoint: string;
  step: number;
  pixelF1: number;
}

/** What a checkpoint is written of. */
export interface KeptRun {
  net: NclNetwork;
  optimizer: Optimizer;
  config: TrainConfig;
  dataRecord: DataRecord;
}

export class CheckpointKeeper {
  /** checkpoint.safetensors in the run folder. */
  readonly path: string;
  private readonly bestPath: string;
  /** The best validation pixel F1 so far (a resumed run starts from its log's evaluations). */
  best: BestCheckpoint | null;
  private saved: { step: number; path: string };
  /** The last state copied to the host. */
  private hostCopy: { state: RunState; step: number; at: number } | null = null;

  /** `resumed`: the checkpoint the run continues, and its step (null for a fresh run). */
  constructor(
    private readonly run: KeptRun,
    dir: string,
    private readonly output: RunOutput,
    resumed: { path: string; step: number } | null,
    private readonly hostCopyEverySeconds: number,
  ) {
    this.path = join(dir, CHECKPOINT_FILE);
    this.bestPath = join(dir, BEST_CHECKPOINT_FILE);
    this.best = resumed ? bestOfLog(readLog(join(dir, LOG_FILE)), resumed.step, this.bestPath) : null;
    this.saved = resumed ?? { step: 0, path: this.path };
  }

  /** The last step whose checkpoint is on disk (0: none). */
  get savedStep(): number {
    return this.saved.step;
  }

  /** The file that holds it. */
  get savedTo(): string {
    return this.saved.path;
  }

  /** Copies the state after `step` to the host when there is no copy yet or the last is old enough. */
  async copyToHostIfDue(step: number): Promise<void> {
    if (!this.hostCopy || performance.now() - this.hostCopy.at >= this.hostCopyEverySeconds * 1000) await this.copyToHost(step);
  }

  /** Saves the checkpoint of `step` when the config's cadence says so. */
  async saveIfDue(step: number): Promise<void> {
    const every = this.run.config.checkpointEvery;
    if (every > 0 && step % every === 0) await this.save(step);
  }

  async save(step: number): Promise<void> {
    this.output.begin();
    this.write(this.path, await this.stateAt(step), step);
    this.saved = { step, path: this.path };
  }

  /** Writes best.safetensors when `pixelF1` at `step` beats the best so far. */
  async keepIfBest(step: number, pixelF1: number): Promise<void> {
    if (!this.best || pixelF1 > this.best.pixelF1) {
      this.write(this.bestPath, await this.stateAt(step), step);
      this.best = { checkpoint: this.bestPath, step, pixelF1 };
    }
  }

  /** After a failure: saves the last completed step from the device, or else the last host copy; says what is on disk. */
  async rescue(step: number): Promise<string> {
    const resume = `continue with --resume ${this.path}`;
    try {
      await this.save(step);
      return `the last completed step (${step}) was saved to ${this.path}; ${resume}`;
    } catch (s) {
      const copy = this.hostCopy;
      const kept = this.saved.step > 0 ? `${this.saved.path} holds step ${this.saved.step} and is left as it was; continue with --resume ${this.saved.path}` : 'no checkpoint of this run is on disk';
      const unsaved = `the last completed step (${step}) could not be saved (${(s as Error).message}); ${kept}`;
      if (!copy || copy.step <= this.saved.step) return unsaved;
      try {
        this.write(this.path, copy.state, copy.step);
      } catch {
        return unsaved; // the file cannot be written either (a full disk): the host copy cannot help
      }
      return `the device could not be read (${(s as Error).message}); the host copy of step ${copy.step} was saved to ${this.path}; ${resume}`;
    }
  }

  private async copyToHost(step: number): Promise<RunState> {
    this.hostCopy = { state: await captureState(this.run.net, this.run.optimizer), step, at: performance.now() };
    return this.hostCopy.state;
  }

  /** The state after `step`: the host copy if it is of that step, else a fresh one. */
  private async stateAt(step: number): Promise<RunState> {
    return this.hostCopy?.step === step ? this.hostCopy.state : await this.copyToHost(step);
  }

  private write(path: string, state: RunState, step: number): void {
    writeCheckpoint(path, state, this.run.config, step, this.run.dataRecord);
  }
}

/** The best evaluation up to `step` in a resumed run's log, if the checkpoint there is of its step
 *  (a run that went on past its last checkpoint may have left a later one). */
function bestOfLog(log: LogRecord[], step: number, path: string): BestCheckpoint | null {
  let best: BestCheckpoint | null = null;
  for (const r of log) {
    if (r.type === 'eval' && r.step <= step && r.pixelF1 !== null && (!best || r.pixelF1 > best.pixelF1)) best = { checkpoint: path, step: r.step, pixelF1: r.pixelF1 };
  }
  return best && existsSync(path) && readCheckpoint(path).step === best.step ? best : null;
}
