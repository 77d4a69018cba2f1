// The class structure of a contrastive batch on the device, as both kernel pairs read it
// (contrastive.ts, contrastive-flash.ts; docs/method.md §6).
import type { Storage } from '../storage/storage.ts';

/** Who counts and how much, per row, on the device (built by src/ncl/method/contrastive-plan.ts). */
export interface DevicePlan {
  /** Per row: class index (i32, −1 = ignored), weight w_i, 1/|P_i|, unused — the WGSL struct RowInfo. */
  readonly rows: Storage;
  /** Members of class c are members[classStart[c] .. classStart[c + 1]), increasing (u32). */
  readonly classStart: Storage;
  readonly members: Storage;
}
