// Kernel variants in a few characters, for `ncl tune`'s table and the benches' rows:
// "vec4:8x8/8x8", "shared:4x4/16x16,double-buffered", "8x8/8x8,16384" (a conv pass),
// "256x16,subgroups" (batch norm's channel sums).
import { tilingName as contrastiveTilingName, type ContrastiveTiling } from './contrastive.ts';
import type { SumsVariant } from './batchnorm.ts';
import type { ConvTiling } from './conv-tilings.ts';
import type { MatmulTiling } from './matmul.ts';
import { variantKey } from '../runtime/tunable.ts';

export function matmulTilingName(t: MatmulTiling): string {
  return `${t.variant}:${t.tm}x${4 * t.tn4}/${t.wgx}x${t.wgy}${t.splitK ? `,split-K ${t.splitK}` : ''}${t.doubleBuffer ? ',double-buffered' : ''}`;
}

export function convTilingName(t: ConvTiling): string {
  return `${t.shared ? 'shared:' : ''}${t.tm}x${4 * t.tn4}/${t.wgx}x${t.wgy}${t.doubleBuffer ? ',double-buffered' : ''}${t.invocations ? `,${t.invocations}` : ''}`;
}

/** Workgroup size × values per invocation (or the whole channel), and how the workgroup adds up. */
export function sumsVariantName(v: SumsVariant): string {
  return `${v.wg}${v.per === null ? '/channel' : `x${v.per}`}${v.subgroups ? ',subgroups' : ''}`;
}

/** Names of the variants per family; conv's is the tiling of the class's own pass (its variant
 *  holds the forward kernel's and the weight gradient's). Other families: the variant's JSON. */
const NAMES: Record<string, (variant: unknown, cls: string) => string> = {
  matmul: (v) => matmulTilingName(v as MatmulTiling),
  conv2d: (v, cls) => convTilingName((v as { fwd: ConvTiling; wgrad: ConvTiling })[cls.startsWith('wgrad') ? 'wgrad' : 'fwd']),
  contrastive: (v) => contrastiveTilingName(v as ContrastiveTiling),
  'batchnorm-sums': (v) => sumsVariantName(v as SumsVariant),
};

/** A variant of a family's shape class. */
export function variantLabel(family: string, cls: string, variant: unknown): string {
  return NAMES[family]?.(variant, cls) ?? variantKey(variant);
}

/** The same, after the family's name. */
export function variantName(family: string, cls: string, variant: unknown): string {
  return `${family} ${variantLabel(family, cls, variant)}`;
}
