// Tuning the work a bench times before timing it: with tuning on (NCL_TUNE unset or 'on', as for
// `ncl train`), each shape class the work uses runs the tuning cache's winner, and a class the
// cache does not hold is tuned once first (src/runtime/tuner.ts); with it off, the profile's
// defaults run. Timing (harness.ts) says per row which variants ran.
import { runtime } from '../src/runtime/context.ts';
import { tunePending } from '../src/runtime/tuner.ts';
import { startChoices } from '../src/runtime/variant-choices.ts';
import { nclDone, reasonOf } from './harness.ts';
import { variantName } from '../src/kernels/variant-names.ts';

/** The bench's choices from now on: the cache's winners with tuning on, else the defaults. */
export function startBenchChoices(tune: boolean): void {
  startChoices(tune ? 'lazy' : 'off');
}

/** What the header says of the variants timed. */
export function tuneDescription(tune: boolean): string {
  return tune ? "the tuning cache's winner per shape class, tuned here where it holds none" : "the profile's defaults (NCL_TUNE=off)";
}

/** Records `work` once and tunes the classes it used that the cache does not hold, noting each
 *  winner; where that fails (a size the work cannot run), a note says so and the defaults stay. */
export async function tuneClassesOf(what: string, work: () => void, note: (text: string) => void): Promise<void> {
  try {
    work();
    await nclDone();
    for (const row of await tunePending()) note(`tuned ${row.cls}: ${variantName(row.family, row.cls, row.chosen)}`);
  } catch (e) {
    runtime().pool.trim();
    note(`${what}: not tuned (${reasonOf(e)})`);
  }
}
