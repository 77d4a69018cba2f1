// Shared benchmark machinery: timing, the header every bench prints, tables and JSON rows.
//
// Timing: a run's wall clock from recording (or starting) it to the queue's completion, and, for
// ncl's kernels where the adapter has 'timestamp-query' (not Dawn on llvmpipe), the GPU's own time
// over the compute pass that holds the run (src/runtime/timing.ts, as the tuner times). A kernel
// bench's `ms` is the GPU's time where it has one, else the wall clock; `gpuMs` and `hostMs` are
// each clock apart. Warm-up runs compile the pipelines; their compile time is reported apart and
// never counted in a timed run.
import { runtime } from '../src/runtime/context.ts';
import { timeAlone, type Timed } from '../src/runtime/timing.ts';
import { watchChoices, type Choice } from '../src/runtime/variant-choices.ts';
import { describeChoices } from './choices.ts';
import { maxOf, minOf } from '../src/common/extent.ts';

export interface BenchOptions {
  warmup: number;
  repeat: number;
  json: boolean;
  /** Time the tuned kernel variants (NCL_TUNE unset or 'on'; bench/tuned.ts), else the defaults. */
  tune: boolean;
  /** Where the report's lines go (default: standard output). */
  print?: (line: string) => void;
}

export interface Timing {
  /** Median, min and max over `repeat` timed runs, in ms: of the GPU's time where every run has
   *  one, else of the wall clock. */
  ms: number;
  min: number;
  max: number;
  /** Medians of each clock apart: the GPU's (null without timestamps) and the wall clock. */
  gpuMs: number | null;
  hostMs: number;
  /** Pipeline compilation during warm-up, in ms. */
  compileMs: number;
  /** The kernel variants the timed runs used: 'tuned: …', 'default', or null where none was
   *  chosen (bench/choices.ts). */
  variants: string | null;
}

export const TIMING_METHOD = 'wall clock around record + submit + onSubmittedWorkDone; median of repeats after warm-up; compile time excluded';

/** What the kernel benches' header says of each column's clock on the open device. */
export function kernelTiming(): Record<string, string> {
  const timestamps = runtime().device.features.has('timestamp-query');
  return {
    ms: timestamps ? "ncl: gpuMs where the row has it, else hostMs (min, max and the ratios likewise); tfjs and PyTorch: their wall clock" : 'the wall clock (hostMs; tfjs and PyTorch: theirs): this adapter has no timestamp-query',
    gpuMs: timestamps ? "GPU time from timestamp-query over the compute pass holding one run's dispatches" : 'null: this adapter has no timestamp-query',
    hostMs: 'wall clock around record + submit + onSubmittedWorkDone',
    runs: 'median of --repeat runs after --warmup runs; compile time excluded (compileMs)',
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Warm-up runs of `once`, then `repeat` samples, watching which kernel variants they choose. */
async function measure(once: () => Promise<void>, sample: () => Promise<Timed>, options: BenchOptions): Promise<Timing> {
  const compileBefore = runtime().pipelines.compileMs;
  for (let i = 0; i < options.warmup; i++) await once();
  const compileMs = runtime().pipelines.compileMs - compileBefore;
  const samples: Timed[] = [];
  const choices: Choice[] = [];
  const stopWatching = watchChoices((c) => choices.push(c));
  try {
    for (let i = 0; i < options.repeat; i++) samples.push(await sample());
  } finally {
    stopWatching();
  }
  return { ...clocks(samples), compileMs, variants: describeChoices(choices) };
}

/** The clocks of timed runs: the GPU's where every run has it, else the wall clock, as `ms`. */
export function clocks(samples: readonly Timed[]): Pick<Timing, 'ms' | 'min' | 'max' | 'gpuMs' | 'hostMs'> {
  const host = samples.map((t) => t.hostMs);
  const gpu = samples.every((t) => t.gpuMs !== null) ? samples.map((t) => t.gpuMs!) : null;
  const primary = gpu ?? host;
  return { ms: median(primary), min: minOf(primary), max: maxOf(primary), gpuMs: gpu && median(gpu), hostMs: median(host) };
}

/** Times `run` (which records work on ncl's device, or does anything async) to completion, by the
 *  wall clock. */
export function timeRuns(run: () => unknown, finish: () => Promise<void>, options: BenchOptions): Promise<Timing> {
  const once = async () => {
    await run();
    await finish();
  };
  return measure(once, async () => {
    const t0 = performance.now();
    await once();
    return { hostMs: performance.now() - t0, gpuMs: null };
  }, options);
}

/** Times `record` (which only records dispatches on ncl's device), each run in a submit of its
 *  own: the GPU's time where the adapter has timestamps, and the wall clock. */
export function timeKernels(record: () => void, options: BenchOptions): Promise<Timing> {
  const rt = runtime();
  return measure(async () => {
    record();
    await rt.sync();
  }, () => timeAlone(rt, record), options);
}

/** A row's timing columns. */
export function timingColumns(t: Timing): Row {
  return { ms: t.ms, min: t.min, max: t.max, gpuMs: t.gpuMs, hostMs: t.hostMs };
}

/** Waits for ncl's recorded work. */
export const nclDone = () => runtime().sync();

export function benchHeader(bench: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const rt = runtime();
  const a = rt.adapter;
  return {
    bench,
    adapter: a.description,
    backend: a.backend,
    fallback: a.fallback,
    profile: rt.profile,
    loopIterationCap: a.loopIterationCap,
    webgpu: a.webgpuVersion,
    driver: a.driver,
    // null in a browser: its version is in `webgpu`
    node: globalThis.process?.version ?? null,
    timing: TIMING_METHOD,
    ...extra,
  };
}

export type Row = Record<string, string | number | boolean | null | Record<string, number | null>>;

/** Prints the header and rows: JSON lines with --json, otherwise a text table. */
export class Report {
  private readonly rows: Row[] = [];

  private readonly json: boolean;
  private readonly print: (line: string) => void;

  constructor(
    header: Record<string, unknown>,
    private readonly columns: string[],
    options: Pick<BenchOptions, 'json' | 'print'>,
  ) {
    this.json = options.json;
    this.print = options.print ?? ((line) => console.log(line));
    if (this.json) this.print(JSON.stringify(header));
    else {
      for (const [k, v] of Object.entries(header)) this.print(`# ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    }
  }

  /** Adds a row; in text mode it is printed at once so long benches show progress. */
  add(row: Row): void {
    this.rows.push(row);
    if (this.json) this.print(JSON.stringify(row));
    else {
      // Columns as wide as their name (at least 12), two spaces apart; a longer value shifts the rest.
      const width = (c: string) => Math.max(12, c.length);
      if (this.rows.length === 1) this.print(this.columns.map((c) => c.padStart(width(c))).join('  '));
      this.print(this.columns.map((c) => format(row[c]).padStart(width(c))).join('  '));
      if (typeof row.error === 'string') this.print(`#   ↑ could not run: ${row.error}`);
    }
  }

  /**
   * Runs one measurement. If it cannot run (a buffer over the adapter's limits, a peer's error),
   * `row` is reported with the reason and the result is null: the bench goes on with the next one.
   */
  async attempt<T>(row: Row, measure: () => Promise<T>): Promise<T | null> {
    try {
      return await measure();
    } catch (e) {
      runtime().pool.trim();
      this.add({ ...row, error: reasonOf(e) });
      return null;
    }
  }

  note(text: string): void {
    if (this.json) this.print(JSON.stringify({ note: text }));
    else this.print(`# ${text}`);
  }

  finish(summary: Row): void {
    if (this.json) this.print(JSON.stringify(summary));
    else for (const [k, v] of Object.entries(summary)) this.print(`# ${k}: ${format(v)}`);
  }
}

/** The first line of an error's message. */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

function format(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(1) : v.toPrecision(3);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
