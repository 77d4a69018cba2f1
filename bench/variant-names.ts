// Kernel variants in a few characters, for the benches' rows: "vec4:8x8/8x8", "shared:4x4/16x16",
// and what a timed piece of work ran: 'tuned: <family> <variant>, …' when its shape classes ran
// the tuning cache's (or the tuner's) winners, 'default' when they ran the profile's defaults.
import { tilingName as contrastiveTilingName, type ContrastiveTiling } from '../src/kernels/contrastive.ts';
import type { ConvTiling } from '../src/kernels/conv.ts';
import type { MatmulTiling } from '../src/kernels/matmul.ts';
import { runtime } from '../src/runtime/context.ts';
import { variantKey } from '../src/runtime/tunable.ts';
import type { Choice } from '../src/runtime/variant-choices.ts';

export function matmulTilingName(t: MatmulTiling): string {
  return `${t.variant}:${t.tm}x${4 * t.tn4}/${t.wgx}x${t.wgy}${t.splitK ? `,split-K ${t.splitK}` : ''}${t.doubleBuffer ? ',double-buffered' : ''}`;
}

export function convTilingName(t: ConvTiling): string {
  return `${t.shared ? 'shared:' : ''}${t.tm}x${4 * t.tn4}/${t.wgx}x${t.wgy}${t.doubleBuffer ? ',double-buffered' : ''}${t.invocations ? `,${t.invocations}` : ''}`;
}

/** Names of the variants of the families the benches time; conv's is the tiling of the class's
 *  own pass (its variant holds the forward kernel's and the weight gradient's). Others: JSON. */
const NAMES: Record<string, (variant: unknown, cls: string) => string> = {
  matmul: (v) => matmulTilingName(v as MatmulTiling),
  conv2d: (v, cls) => convTilingName((v as { fwd: ConvTiling; wgrad: ConvTiling })[cls.startsWith('wgrad') ? 'wgrad' : 'fwd']),
  contrastive: (v) => contrastiveTilingName(v as ContrastiveTiling),
};

/** A variant of a family's shape class, with the family's name. */
export function variantName(family: string, cls: string, variant: unknown): string {
  return `${family} ${NAMES[family]?.(variant, cls) ?? variantKey(variant)}`;
}

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
