// How a training run stops on a signal. SIGINT (Ctrl-C), SIGTERM (a scheduler's stop) and SIGHUP (a
// closed terminal or SSH connection) are handled alike, by one small state machine:
//
//   1st signal: "stopping: finishing step k, then saving" (or "saving step k" between steps) — the
//               run ends the step in progress (or
//               the kernel-tuning candidate being timed), saves its checkpoint and exits with
//               128 + the first signal's number;
//   2nd signal: "still saving step k — press again to exit without saving (steps j–k would be
//               lost)", j being the first step not yet on disk;
//   3rd signal: says what is lost, releases the run folder (exitNow) and exits at once.
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit status of a process ended by `signal`, as a shell reports it (130 for SIGINT). */
export const exitCodeOf = (signal: StopSignal): number => 128 + constants.signals[signal];

/** Where the run stands when a signal arrives. */
export interface RunPosition {
  /** The step being finished or saved. */
  step: number;
  /** Whether that step is still running (else it is done, and the run tunes, evaluates or saves). */
  inStep: boolean;
  /** The last step whose checkpoint is on disk (0: none). */
  saved: number;
  checkpoint: string;
}

/** What the state machine listens to: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  removeListener(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

export interface StopOptions {
  position: () => RunPosition;
  say: (line: string) => void;
  /** Ends the process at once with this status (after releasing what must not be left behind). */
  exitNow: (code: number) => void;
  source?: SignalSource;
}

/** "steps 4–7", "step 7", or "nothing": the steps after `saved` up to `step`. */
function unsaved(p: RunPosition): string {
  const first = p.saved + 1;
  if (first > p.step) return 'nothing';
  return first === p.step ? `step ${p.step}` : `steps ${first}–${p.step}`;
}

export class StopRequests {
  /** The first signal received, once one has been. */
  signal: StopSignal | null = null;
  private received = 0;
  private readonly source: SignalSource;
  private readonly listener = (signal: StopSignal) => this.receive(signal);

  constructor(private readonly o: StopOptions) {
    this.source = o.source ?? (process as unknown as SignalSource);
  }

  get requested(): boolean {
    return this.signal !== null;
  }

  install(): this {
    for (const s of STOP_SIGNALS) this.source.on(s, this.listener);
    return this;
  }

  uninstall(): void {
    for (const s of STOP_SIGNALS) this.source.removeListener(s, this.listener);
  }

  receive(signal: StopSignal): void {
    this.received++;
    const p = this.o.position();
    if (this.received === 1) {
      this.signal = signal;
      this.o.say(`stopping (${signal}): ${p.inStep ? `finishing step ${p.step}, then saving` : `saving step ${p.step}`} to ${p.checkpoint}`);
    } else if (this.received === 2) {
      this.o.say(`still saving step ${p.step} — press again to exit without saving (${unsaved(p)} would be lost)`);
    } else {
      const kept = p.saved > 0 ? `${p.checkpoint} holds step ${p.saved}` : 'no checkpoint of this run was written';
      this.o.say(`exiting without saving: ${unsaved(p)} lost; ${kept}`);
      this.o.exitNow(exitCodeOf(this.signal!));
    }
  }
}
