// The class structure of a contrastive batch on the device, as both kernel pairs read it
// (contrastive.ts, contrastive-flash.ts; docs/method.md §6).
import type { StructElement } from '../runtime/kernel-interface.ts';
import type { Storage } from '../storage/storage.ts';

/** One row of DevicePlan.rows, as every contrastive kernel binds it (`rows: array<RowInfo>`):
 *  class_id (−1 = ignored), the anchor weight w_i, pos_scale = 1/|P_i| (0 for rows that are not
 *  kept anchors), and a word of padding. */
export const ROW_INFO = { struct: 'RowInfo', fields: { class_id: 'i32', weight: 'f32', pos_scale: 'f32', unused: 'f32' }, dtype: 'u32' } as const satisfies StructElement;

/** Who counts and how much, per row, on the device (uploaded by src/ncl/ops/contrastive-plan-upload.ts). */
export interface DevicePlan {
  /** Per row: one ROW_INFO, four u32 words (packRowInfo). */
  readonly rows: Storage;
  /** Members of class c are members[classStart[c] .. classStart[c + 1]), increasing (u32). */
  readonly classStart: Storage;
  readonly members: Storage;
}

/** The words of DevicePlan.rows: per row, ROW_INFO's fields in order, little-endian (class_id as
 *  i32 bits, weight and pos_scale as f32 bits, the padding word 0). */
export function packRowInfo(classId: Int32Array, weight: Float32Array, posScale: Float32Array): Uint32Array {
  const n = classId.length;
  if (weight.length !== n || posScale.length !== n) throw new Error(`contrastive rows: ${n} class ids, ${weight.length} weights and ${posScale.length} positive scales`);
  const rows = new ArrayBuffer(n * 16);
  const view = new DataView(rows);
  for (let i = 0; i < n; i++) {
    view.setInt32(16 * i, classId[i]!, true);
    view.setFloat32(16 * i + 4, weight[i]!, true);
    view.setFloat32(16 * i + 8, posScale[i]!, true);
  }
  return new Uint32Array(rows);
}
