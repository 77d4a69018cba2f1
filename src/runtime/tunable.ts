// What the tuner (tuner.ts), the run's choices (variant-choices.ts) and the cache (tune-cache.ts)
// know of a kernel family with variants; src/kernels/variants.ts makes one from a VariantFamily.
import type { KernelProfile } from '../platform/platform.ts';

/** Synthetic inputs of one problem, on which each candidate variant is recorded and timed. */
export interface Trial {
  run(variant: unknown): void;
  dispose(): void;
}

/** What the tuner needs of a kernel family with variants. */
export interface Tunable {
  readonly name: string;
  /** Every shader the family's variants dispatch: their text is part of the cache key. */
  readonly files: readonly string[];
  defaultFor(profile: KernelProfile): unknown;
  /** The variants timed for a shape class, the profile's default among them. */
  candidates(profile: KernelProfile, cls: string): readonly unknown[];
  /** Why the open adapter cannot run a variant (one that needs an optional feature), or null. */
  unavailable(variant: unknown): string | null;
  /** The problem in words (the tuner's table). */
  describe(problem: unknown): string;
  trial(problem: unknown): Trial;
}

/** A variant's identity: its JSON with sorted keys. */
export function variantKey(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

