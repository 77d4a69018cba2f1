// The kernels the runtime itself dispatches, with their interfaces (kernel-interface.ts): filling
// a buffer (poisoned buffers, and kernels/elementwise.ts's fill) and debug mode's finiteness check.
import { shader } from './kernel-interface.ts';

/** shaders/fill.wgsl: dst[i] = value. */
export const FILL = shader('fill', { reads: {}, writes: { dst: 'f32' }, params: { value: 'f32' }, perItem: true });

/** shaders/check_finite.wgsl: flags[slot] |= 1 where any x[i] is not finite. */
export const CHECK_FINITE = shader('check_finite', { reads: { x: 'f32' }, writes: { flags: 'atomic<u32>' }, params: { slot: 'u32' }, perItem: true });
