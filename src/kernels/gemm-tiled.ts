// The TypeScript side of shaders/gemm_tiled.wgsl, the skeleton of the workgroup-memory GEMMs
// (matmul's shared variant, conv's shared forward and weight-gradient kernels): the constants it
// is specialised with and the loop iterations it runs, which each kernel's own hooks leave as
// they are.
import type { Constants } from '../runtime/pipelines.ts';

/** Reduction steps staged and multiplied per barrier (BK in the shader). */
export const GEMM_TILED_BK = 16;

/** A tile of the skeleton: tm rows (a multiple of 4: row groups of 4) × 4·tn4 columns per
 *  invocation, wgx × wgy invocations, the tiles double-buffered or not. */
export interface GemmTile {
  tm: number;
  tn4: number;
  wgx: number;
  wgy: number;
  doubleBuffer?: boolean;
}

/** The skeleton's constants: rows counted in groups of 4, the tile buffers (NBUF) and the slice depth. */
export function gemmTiledConstants(t: GemmTile): Constants {
  return { TM4: t.tm / 4, TN4: t.tn4, WGX: t.wgx, WGY: t.wgy, NBUF: t.doubleBuffer ? 2 : 1, BK: GEMM_TILED_BK };
}

/** Loop iterations of one BK-deep slice per invocation, an upper bound for llvmpipe's loop
 *  budget: the slice loop, the staging of BK rows of the block's tm·wgy rows and 4·tn4·wgx
 *  columns spread over the invocations, then multiply_slice's BK steps over the register block. */
export function gemmTiledIterationsPerSlice(t: GemmTile): number {
  const invocations = t.wgx * t.wgy;
  const tm4 = t.tm / 4;
  const staged = Math.ceil((GEMM_TILED_BK * t.tm * t.wgy) / invocations) + Math.ceil((GEMM_TILED_BK * 4 * t.tn4 * t.wgx) / invocations);
  return 1 + staged + GEMM_TILED_BK * (1 + t.tn4 + tm4 * (1 + 4 * (1 + t.tn4)));
}
