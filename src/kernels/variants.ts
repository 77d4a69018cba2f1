// Kernel variants: the one place where a kernel family's per-adapter choice (code path, tile shape,
// workgroup size) is declared and looked up. A family declares a default per kernel profile (the
// `cpu` and `gpu` profiles of src/platform/platform.ts, chosen from the adapter); the variant in
// force is the one forced (benchmarks, tests and the selfcheck compare variants) or else the
// profile's default. The workgroup size of a one-invocation-per-item kernel is declared with
// itemKernel (launch.ts); such a kernel may have a family too (batch-norm channel sums).
import { runtime } from '../runtime/context.ts';
import type { KernelProfile } from '../runtime/runtime.ts';

export class VariantFamily<T> {
  private forced: T | null = null;

  /** `defaults`: the variant per profile, chosen from measurements (bench/RESULTS.md). */
  constructor(readonly defaults: Readonly<Record<KernelProfile, T>>) {}

  /** The variant in force on the open device. */
  current(): T {
    return this.forced ?? this.defaults[runtime().profile];
  }

  /** Forces a variant; null returns to the profile's default. */
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
}
