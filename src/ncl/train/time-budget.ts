// A run's time budget (TrainOptions.timeBudget, `ncl demo`): the run stops after the first step
// that ends past it, and its learning-rate schedule follows the share of the budget used instead
// of the share of its planned steps done.
export class TimeBudget {
  /** `start`: a `performance.now()` time (ms). */
  constructor(private readonly budget: { start: number; seconds: number }) {}

  /** The share of the budget used so far (1 or more once spent). */
  share(): number {
    return (performance.now() - this.budget.start) / (this.budget.seconds * 1000);
  }

  spent(): boolean {
    return this.share() >= 1;
  }

  /** Where a schedule of `steps` planned steps stands: ⌊f·steps⌋ at share f (at most 1). */
  schedulePosition(steps: number): number {
    return Math.floor(Math.min(1, this.share()) * steps);
  }
}
