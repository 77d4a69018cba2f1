// The class structure of a contrastive batch on the device, as both kernel pairs read it
// (contrastive.ts, contrastive-flash.ts; docs/method.md §6).
import type { StructElement } from '../runtime/kernel-interface.ts';
import type { Storage } from '../storage/storage.ts';

/** One row of DevicePlan.rows, as every contrastive kernel binds it (`rows: array<RowInfo>`):
 *  class_id (−1 = ignored), the anchor weight w_i, pos_scale = 1/|P_i| (0 for rows that are not
 *  kept anchors), and a word of padding. */
export const ROW_INFO = { struct: 'RowInfo', fields: { class_id: 'i32', weight: 'f32', pos_scale: 'f32', unused: 'f32' }, dtype: 'u32' } as const satisfies StructElement;

/** Who counts and how much, per row, on the device (built by src/ncl/method/contrastive-plan.ts). */
export interface DevicePlan {
  /** Per row: one ROW_INFO, four u32 words. */
  readonly rows: Storage;
  /** Members of class c are members[classStart[c] .. classStart[c + 1]), increasing (u32). */
  readonly classStart: Storage;
  readonly members: Storage;
}
