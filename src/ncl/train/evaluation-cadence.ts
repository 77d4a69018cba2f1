// Evaluation during a run, on the validation set: every `evalEvery` steps and at the end. Each
// evaluation is logged (an eval record, after a damaged record and a warning for each image it
// leaves out for the first time), offered to the checkpoint keeper as the best so far, and noted
// on the progress display.
import { evalJson, evaluate, formatSeparation, type EvalJson } from '../evaluate.ts';
import type { NclNetwork } from '../method/model/network.ts';
import type { CheckpointKeeper } from './checkpoint-keeper.ts';
import type { TrainConfig } from './config.ts';
import type { RunOutput } from './run-output.ts';
import type { TrainOptions } from './train-options.ts';

/** Where an evaluation's results go. */
export interface EvaluationOutlets {
  output: RunOutput;
  checkpoints: CheckpointKeeper;
  /** Warnings, said even without the progress display. */
  say: (line: string) => void;
  /** The progress display's notes. */
  note: (line: string) => void;
}

export class EvaluationCadence {
  /** The last evaluation's metrics (null before the first, and without a validation set). */
  last: EvalJson | null = null;
  /** Validation images already reported as left out. */
  private readonly leftOut = new Set<string>();

  constructor(
    private readonly net: NclNetwork,
    private readonly config: TrainConfig,
    private readonly o: Pick<TrainOptions, 'val' | 'load' | 'valLimit' | 'strictData'>,
    private readonly to: EvaluationOutlets,
  ) {}

  /** Evaluates after `step` when the cadence says so, but not after the run's last step by count
   *  or time budget (`lastPlanned`): the run evaluates at its end, after its final checkpoint. */
  async evaluateIfDue(step: number, lastPlanned: boolean): Promise<void> {
    const every = this.config.evalEvery;
    if (every > 0 && step % every === 0 && !lastPlanned) await this.evaluate(step);
  }

  async evaluate(step: number): Promise<void> {
    if (!this.o.val) return;
    const load = { ...this.o.load, skipUnreadable: !(this.o.strictData ?? false) || (this.o.load?.skipUnreadable ?? false) };
    const result = await evaluate(this.net, this.o.val, { separation: this.config.ncl, load, ...(this.o.valLimit ? { limit: this.o.valLimit } : {}) });
    const metrics = evalJson(result);
    this.last = metrics;
    for (const s of result.skipped.filter((s) => !this.leftOut.has(s.image))) {
      this.leftOut.add(s.image);
      this.to.say(`warning: validation left out ${s.image} (${s.reason})`);
      this.to.output.append({ type: 'damaged', step, split: 'val', image: s.image, reason: s.reason });
    }
    this.to.output.append({ type: 'eval', step, ...metrics });
    if (metrics.pixelF1 !== null) await this.to.checkpoints.keepIfBest(step, metrics.pixelF1);
    this.to.note(`eval at step ${step}: pixel F1 ${fmt(metrics.pixelF1)} AUC ${fmt(metrics.pixelAUC)} (all-tampered F1 ${fmt(metrics.baselineAllTamperedF1)})${metrics.separation ? `; ${formatSeparation(metrics.separation)}` : ''}`);
  }
}

const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(4));
