// Samples whose files stopped decoding during a run (a truncated PNG whose header still reads, a
// file removed mid-run). By default each is dropped for the rest of the run with a warning naming
// it, and a batch takes the next sample of the epoch's order in its place; the run stops only when
// more than 1 % of the samples (at least 10) have failed, naming them. With `strict` the first
// failure is fatal. A file that fails fails again, so a resumed run drops it at the same point and
// draws the same batches.
import { DataError } from '../../data/image-io.ts';

export interface DamagedSample {
  image: string;
  reason: string;
  /** The optimiser step whose batch met it (0-based, the step being loaded). */
  step: number;
}

/** Whether an error is a sample's file failing to open or decode (and not, say, a wrong option). */
export const isDamagedFile = (e: unknown): e is DataError => e instanceof DataError && (e.kind === 'unreadable' || e.kind === 'missing');

export class DamagedSamples {
  private readonly byIndex = new Map<number, DamagedSample>();
  /** Failures tolerated before the run stops. */
  readonly limit: number;

  constructor(
    readonly total: number,
    private readonly o: { strict: boolean; onDrop: (sample: DamagedSample, count: number) => void },
  ) {
    this.limit = Math.max(10, Math.floor(total / 100));
  }

  has(index: number): boolean {
    return this.byIndex.has(index);
  }

  get list(): DamagedSample[] {
    return [...this.byIndex.values()];
  }

  /** Records sample `index` as damaged, or throws when the run must stop. */
  drop(index: number, error: DataError, step: number): void {
    if (this.o.strict) throw new Error(`${error.message} (at step ${step + 1}; --strict-data makes a damaged sample fatal)`);
    const damaged = { image: error.file, reason: error.message, step };
    this.byIndex.set(index, damaged);
    if (this.byIndex.size > this.limit) {
      const names = this.list.map((d) => `  ${d.image}: ${d.reason}`).join('\n');
      throw new Error(`${this.byIndex.size} of the ${this.total} training samples failed to decode, more than the ${this.limit} tolerated (1 %, at least 10):\n${names}\ncheck the files (ncl data check --decode), or remove them from the dataset`);
    }
    this.o.onDrop(damaged, this.byIndex.size);
  }
}
