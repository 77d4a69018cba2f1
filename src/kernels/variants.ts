// Kernel variants: the one place where a kernel family's per-adapter choice (code path, tile shape,
// workgroup size) is declared and looked up. A family declares a default per kernel profile (the
// `cpu` and `gpu` profiles of src/platform/platform.ts, chosen from the adapter). The variant in
// force is the one forced (benchmarks, tests and the selfcheck compare variants), else, for a
// family that can be tuned, the run's choice for the problem's shape class (the tuner's winner or
// a checkpoint's record: src/runtime/variant-choices.ts), else the profile's default. The
// workgroup size of a one-invocation-per-item kernel is a constant of declaredKernel (launch.ts);
// such a kernel may have a family too (batch-norm channel sums).
import { runtime } from '../runtime/context.ts';
import type { KernelProfile } from '../runtime/runtime.ts';
import type { Tunable } from '../runtime/tunable.ts';
import { choose, registerTunable } from '../runtime/variant-choices.ts';

/** How a family is tuned: problems of type P map to shape classes, each timed on a trial. */
export interface Tuning<T, P> {
  /** The family's name in the tuning cache and in checkpoints. */
  name: string;
  /** Every shader a variant's dispatches use, helpers such as reduce included: their text, with
   *  what they include, is part of the cache key (test/runtime/tune-key.test.ts checks the list). */
  files: readonly string[];
  /** The shape class of a problem: problems of one class share a variant. */
  classify(problem: P): string;
  /** The variants timed for a class, the profile's default among them. */
  candidates(profile: KernelProfile, cls: string): readonly T[];
  /** Why the open adapter cannot run a variant (one that needs an optional feature), or null;
   *  such candidates are not timed. Absent: every variant runs everywhere. */
  unavailable?(variant: T): string | null;
  describe(problem: P): string;
  /** Synthetic inputs for the problem; `run` records the family's kernel on them. */
  trial(problem: P): { run(): void; dispose(): void };
}

export class VariantFamily<T, P = never> {
  private forced: T | null = null;
  private readonly tuning: { spec: Tuning<T, P>; registered: Tunable } | null = null;

  /** `defaults`: the variant per profile, chosen from measurements (bench/RESULTS.md). */
  constructor(
    readonly defaults: Readonly<Record<KernelProfile, T>>,
    tuning?: Tuning<T, P>,
  ) {
    if (!tuning) return;
    const registered: Tunable = {
      name: tuning.name,
      files: tuning.files,
      defaultFor: (profile) => defaults[profile],
      candidates: (profile, cls) => tuning.candidates(profile, cls),
      unavailable: (variant) => this.unavailable(variant as T),
      describe: (problem) => tuning.describe(problem as P),
      trial: (problem) => {
        const t = tuning.trial(problem as P);
        return { run: (variant) => this.using(variant as T, t.run), dispose: t.dispose };
      },
    };
    registerTunable(registered);
    this.tuning = { spec: tuning, registered };
  }

  /** The variant in force on the open device, for `problem` where the family is tuned; an error
   *  where the adapter cannot run it (forced, pinned by a checkpoint, or cached elsewhere). */
  current(problem?: P): T {
    const v = this.inForce(problem);
    const why = this.unavailable(v);
    if (why) throw new Error(why);
    return v;
  }

  private inForce(problem?: P): T {
    if (this.forced) return this.forced;
    if (this.tuning && problem !== undefined) return choose(this.tuning.registered, this.tuning.spec.classify(problem), problem) as T;
    return this.defaults[runtime().profile];
  }

  /** Why the open adapter cannot run `variant`, or null when it can. */
  unavailable(variant: T): string | null {
    return this.tuning?.spec.unavailable?.(variant) ?? null;
  }

  /** Forces a variant; null returns to the run's choice or the profile's default. */
  force(variant: T | null): void {
    this.forced = variant;
  }

  /** Runs fn with a variant forced, then restores what was in force before. */
  async with<R>(variant: T, fn: () => Promise<R>): Promise<R> {
    const before = this.forced;
    this.forced = variant;
    try {
      return await fn();
    } finally {
      this.forced = before;
    }
  }

  /** `with` for work that is only recorded (a tuning trial). */
  using<R>(variant: T, fn: () => R): R {
    const before = this.forced;
    this.forced = variant;
    try {
      return fn();
    } finally {
      this.forced = before;
    }
  }
}
