// When a run stops taking steps: after its last step by count (the config's steps, or `stopAfter`;
// under a time budget only `stopAfter`), after the first step that ends past its time budget, or
// after the step during which a stop signal came (stop-signals.ts). The run then saves its
// checkpoint.
import { StopRequests, type StopOptions, type StopSignal } from './stop-signals.ts';
import type { TimeBudget } from './time-budget.ts';

export class StopConditions {
  /** The step after which the run stops by count. */
  readonly lastStep: number;
  private readonly signals: StopRequests;
  /** Whether the clock, read after the last step, was past the time budget. */
  private pastDeadline = false;

  /** Listens for stop signals until `uninstall`. */
  constructor(steps: number, stopAfter: number | undefined, private readonly budget: TimeBudget | null, signalOptions: StopOptions) {
    this.lastStep = budget ? (stopAfter ?? Infinity) : Math.min(steps, stopAfter ?? steps);
    this.signals = new StopRequests(signalOptions).install();
  }

  /** Whether the run takes another step after `step` completed steps. */
  goOnAfter(step: number): boolean {
    return step < this.lastStep && !this.signals.requested && !this.pastDeadline;
  }

  /** Reads the clock, once after each step: a step that ends past the time budget is the last. */
  checkTimeBudget(): void {
    this.pastDeadline = this.budget !== null && this.budget.spent();
  }

  /** Whether `step` is the run's last by its step count or time budget (a stop signal aside). */
  lastPlanned(step: number): boolean {
    return step >= this.lastStep || this.pastDeadline;
  }

  /** Whether a stop signal came. */
  get signalled(): boolean {
    return this.signals.requested;
  }

  /** The first stop signal, if one came. */
  get signal(): StopSignal | null {
    return this.signals.signal;
  }

  uninstall(): void {
    this.signals.uninstall();
  }
}
