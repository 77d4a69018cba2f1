// The tuner: times each candidate variant of the classes waiting to be tuned (variant-choices.ts)
// on synthetic inputs of the class's first problem, pins the winner for the run and writes it to
// the cache (tune-cache.ts).
//
// Per candidate: one untimed run (it compiles the pipelines), then `repeat` runs each in a submit
// of its own (timing.ts), fewer when one run takes over a second; its time is the median, of the
// GPU's timestamps where the adapter has them, else of the host's clock. The fastest wins unless
// it beats the profile's default by less than MARGIN: noise does not displace a measured default.
import { runtime } from './context.ts';
import { timeAlone } from './timing.ts';
import { variantKey, type Tunable } from './tunable.ts';
import { storeVariant } from './tune-cache.ts';
import { pin, takePending } from './variant-choices.ts';

export const MARGIN = 0.03;
const SLOW_RUN_MS = 1000;

export interface CandidateTime {
  variant: unknown;
  /** Median of the clock used (null if the variant could not run). */
  ms: number | null;
  hostMs: number | null;
  gpuMs: number | null;
  runs: number;
  error?: string;
}

export interface TunedClass {
  family: string;
  cls: string;
  problem: string;
  timing: 'timestamp-query' | 'host';
  chosen: unknown;
  default: unknown;
  candidates: CandidateTime[];
  /** Wall clock of the whole class, compilation included. */
  tuneMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeCandidate(run: () => void, repeat: number): Promise<Omit<CandidateTime, 'variant'>> {
  const rt = runtime();
  try {
    run();
    await rt.sync();
    const host: number[] = [];
    const gpu: Array<number | null> = [];
    for (let i = 0; i < repeat; i++) {
      const t = await timeAlone(rt, run);
      host.push(t.hostMs);
      gpu.push(t.gpuMs);
      if (t.hostMs > SLOW_RUN_MS) break;
    }
    const gpuMs = gpu.every((g) => g !== null) ? median(gpu as number[]) : null;
    const hostMs = median(host);
    return { ms: gpuMs ?? hostMs, hostMs, gpuMs, runs: host.length };
  } catch (e) {
    rt.pool.trim();
    return { ms: null, hostMs: null, gpuMs: null, runs: 0, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  }
}

/** The class tuned and pinned, or null when `stop` said to stop before its last candidate (nothing pinned). */
async function tuneClass(family: Tunable, cls: string, problem: unknown, repeat: number, stop: () => boolean): Promise<TunedClass | null> {
  const t0 = performance.now();
  const profile = runtime().profile;
  const fallback = family.defaultFor(profile);
  const trial = family.trial(problem);
  const candidates: CandidateTime[] = [];
  try {
    for (const variant of family.candidates(profile, cls).filter((v) => family.unavailable(v) === null)) {
      if (stop()) return null;
      candidates.push({ variant, ...(await timeCandidate(() => trial.run(variant), repeat)) });
    }
  } finally {
    trial.dispose();
  }
  const ran = candidates.filter((c) => c.ms !== null);
  if (ran.length === 0) throw new Error(`tuning ${family.name} for ${family.describe(problem)}: no variant could run (${candidates[0]?.error ?? 'no candidates'})`);
  const best = ran.reduce((a, b) => (b.ms! < a.ms! ? b : a));
  const def = candidates.find((c) => variantKey(c.variant) === variantKey(fallback));
  const chosen = def?.ms != null && best.ms! >= def.ms * (1 - MARGIN) ? def : best;
  const timing = chosen.gpuMs !== null ? 'timestamp-query' : 'host';
  pin(family, cls, chosen.variant);
  storeVariant(family, cls, { variant: chosen.variant, ms: chosen.ms!, timing, problem: family.describe(problem) });
  return { family: family.name, cls, problem: family.describe(problem), timing, chosen: chosen.variant, default: fallback, candidates, tuneMs: performance.now() - t0 };
}

export interface TunePendingOptions {
  repeat?: number;
  /** Hears how many classes are waiting, before the first is tuned. */
  onStart?: (classes: number) => void;
  /** Hears of each class as it is done, with its index among those waiting. */
  onClass?: (row: TunedClass, index: number) => void;
  /** Asked before each candidate: true stops tuning there, leaving that class and the rest untuned. */
  shouldStop?: () => boolean;
}

/** Tunes every class waiting, in order, until `shouldStop` says to stop; returns the classes tuned. */
export async function tunePending(o: TunePendingOptions = {}): Promise<TunedClass[]> {
  const waiting = takePending();
  o.onStart?.(waiting.length);
  const rows: TunedClass[] = [];
  for (const [index, p] of waiting.entries()) {
    const row = await tuneClass(p.family, p.cls, p.problem, o.repeat ?? 3, o.shouldStop ?? (() => false));
    if (!row) break;
    o.onClass?.(row, index);
    rows.push(row);
  }
  return rows;
}
