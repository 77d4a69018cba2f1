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

async function tuneClass(family: Tunable, cls: string, problem: unknown, repeat: number): Promise<TunedClass> {
  const t0 = performance.now();
  const profile = runtime().profile;
  const fallback = family.defaultFor(profile);
  const trial = family.trial(problem);
  const candidates: CandidateTime[] = [];
  try {
    for (const variant of family.candidates(profile, cls).filter((v) => family.unavailable(v) === null)) candidates.push({ variant, ...(await timeCandidate(() => trial.run(variant), repeat)) });
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

/** Tunes every class waiting; `onClass` hears of each as it is done. */
export async function tunePending(o: { repeat?: number; onClass?: (row: TunedClass) => void } = {}): Promise<TunedClass[]> {
  const rows: TunedClass[] = [];
  for (const p of takePending()) {
    const row = await tuneClass(p.family, p.cls, p.problem, o.repeat ?? 3);
    o.onClass?.(row);
    rows.push(row);
  }
  return rows;
}
