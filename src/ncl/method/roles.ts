// Role switching (docs/method.md §4): each branch turns the three patch kinds into two contrastive
// classes. Class ids: 0 = authentic, 1 = tampered, −1 = ignored (patch kinds: patch-pool.ts).
//   branch T: contour → tampered      branch A: contour → authentic      drop: contour → ignored
import type { Branch } from './model/network.ts';
import type { RoleSwitch } from './options.ts';
import { PATCH_CONTOUR } from './patch-pool.ts';

/** What contour patches become in one contrastive term. */
export type ContourRole = 'tampered' | 'authentic' | 'ignored';

const CONTOUR_CLASS: Record<ContourRole, number> = { tampered: 1, authentic: 0, ignored: -1 };

/** Class ids of patches of the given kinds (PATCH_AUTHENTIC = 0, PATCH_TAMPERED = 1, PATCH_CONTOUR). */
export function branchLabels(kinds: ArrayLike<number>, contour: ContourRole): Int32Array {
  return Int32Array.from(kinds, (k) => (k === PATCH_CONTOUR ? CONTOUR_CLASS[contour] : k));
}

/** One contrastive term of a step: which head's embeddings, with which role for contour patches. */
export interface ContrastiveTerm {
  head: Branch;
  contour: ContourRole;
}

/** The projection heads a mode needs: both for dual, one for alternate and drop, none for off. */
export function headsFor(mode: RoleSwitch): Branch[] {
  return mode === 'dual' ? ['t', 'a'] : mode === 'off' ? [] : ['t'];
}

/** The contrastive terms of training step `step` (0-based). */
export function contrastiveTerms(mode: RoleSwitch, step: number): ContrastiveTerm[] {
  switch (mode) {
    case 'dual':
      return [
        { head: 't', contour: 'tampered' },
        { head: 'a', contour: 'authentic' },
      ];
    case 'alternate':
      return [{ head: 't', contour: step % 2 === 0 ? 'tampered' : 'authentic' }];
    case 'drop':
      return [{ head: 't', contour: 'ignored' }];
    case 'off':
      return [];
  }
}
