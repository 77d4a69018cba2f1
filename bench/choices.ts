// What a timed piece of work ran, for the benches' rows: 'tuned: <family> <variant>, …' when its
// shape classes ran the tuning cache's (or the tuner's) winners, 'default' when they ran the
// profile's defaults (variant names: src/kernels/variant-names.ts).
import { variantName } from '../src/kernels/variant-names.ts';
import { runtime } from '../src/runtime/context.ts';
import { variantKey } from '../src/runtime/tunable.ts';
import type { Choice } from '../src/runtime/variant-choices.ts';

/** Beyond this many different variants a row counts its classes instead of naming them. */
const MAX_NAMED = 3;

/** What the choices of a piece of work ran, one per shape class; null where nothing was chosen
 *  (no tunable kernel, or a variant forced, as --tilings does). */
export function describeChoices(choices: readonly Choice[]): string | null {
  const classes = [...new Map(choices.map((c) => [`${c.family.name}\u0000${c.cls}`, c])).values()];
  if (classes.length === 0) return null;
  const tuned = classes.filter((c) => !c.byDefault);
  if (tuned.length === 0) return 'default';
  const names = [...new Set(tuned.map((c) => variantName(c.family.name, c.cls, c.variant)))];
  const profile = runtime().profile;
  const changed = tuned.filter((c) => variantKey(c.variant) !== variantKey(c.family.defaultFor(profile))).length;
  const what = names.length <= MAX_NAMED ? names.join(', ') : `${tuned.length} shape classes, ${changed} not the profile's default`;
  const untuned = classes.length - tuned.length;
  return `tuned: ${what}${untuned ? `; ${untuned} not tuned, at the default` : ''}`;
}
