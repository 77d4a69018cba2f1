// Role switching (docs/method.md §4, ours; the paper names "role switching" between positives and
// negatives without defining it): each contrastive term turns the three patch kinds
// (patch-labels.ts) into two classes, 1 = tampered, 0 = authentic, −1 = ignored, by what it makes
// of contour patches:
//   branch T: contour → tampered      branch A: contour → authentic      drop: contour → ignored
// The modes (option roleSwitch) say which terms each training step has:
// - `dual`: branch T and branch A, each on its own projection head, every step; L_pc ties the two
//   views of each patch together.
// - `switch`: two heads, as in dual, that exchange the roles of contour patches every
//   `switchEvery` steps (head T takes contour → tampered in even periods, → authentic in odd ones).
// - `alternate`: one head; contour patches count as tampered on even steps, authentic on odd ones.
// - `drop`: one head; contour patches are ignored (label −1), the baseline the paper argues against.
// - `off`: no contrastive term; segmentation loss only.
import type { Branch } from './model/network.ts';
import { PATCH_CONTOUR } from './patch-labels.ts';

/** How contour patches take part in the contrastive terms: the modes above. */
export type RoleSwitch = 'dual' | 'switch' | 'alternate' | 'drop' | 'off';

export const ROLE_SWITCHES: readonly RoleSwitch[] = ['dual', 'switch', 'alternate', 'drop', 'off'];

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

/** Whether a mode trains two heads (and so has L_pc between them). */
export function hasTwoHeads(mode: RoleSwitch): boolean {
  return mode === 'dual' || mode === 'switch';
}

/** The projection heads a mode needs: both for dual and switch, one for alternate and drop, none for off. */
export function headsFor(mode: RoleSwitch): Branch[] {
  return hasTwoHeads(mode) ? ['t', 'a'] : mode === 'off' ? [] : ['t'];
}

/** The contrastive terms of training step `step` (0-based); `switchEvery` sets the period of `switch`. */
export function contrastiveTerms(mode: RoleSwitch, step: number, switchEvery = 1): ContrastiveTerm[] {
  switch (mode) {
    case 'dual':
      return [
        { head: 't', contour: 'tampered' },
        { head: 'a', contour: 'authentic' },
      ];
    case 'switch': {
      const exchanged = Math.floor(step / switchEvery) % 2 === 1;
      return [
        { head: 't', contour: exchanged ? 'authentic' : 'tampered' },
        { head: 'a', contour: exchanged ? 'tampered' : 'authentic' },
      ];
    }
    case 'alternate':
      return [{ head: 't', contour: step % 2 === 0 ? 'tampered' : 'authentic' }];
    case 'drop':
      return [{ head: 't', contour: 'ignored' }];
    case 'off':
      return [];
  }
}
