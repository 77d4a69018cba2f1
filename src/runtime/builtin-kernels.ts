// The interfaces of the kernels the runtime itself dispatches (kernel-interface.ts): filling a
// buffer (poisoned buffers, and kernels/elementwise.ts's fill) and debug mode's finiteness check.
import type { KernelInterface } from './kernel-interface.ts';

/** shaders/fill.wgsl: dst[i] = value. */
export const FILL = { reads: {}, writes: { dst: 'f32' }, params: { value: 'f32' }, perItem: true } as const satisfies KernelInterface;

/** shaders/check_finite.wgsl: flags[slot] |= 1 where any x[i] is not finite. */
export const CHECK_FINITE = { reads: { x: 'f32' }, writes: { flags: 'atomic<u32>' }, params: { slot: 'u32' }, perItem: true } as const satisfies KernelInterface;
