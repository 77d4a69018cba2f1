// The NaN/Inf guard: a step whose loss or gradient norm is not finite stops the run before the
// optimiser touches the weights. To name the op that produced the first NaN/Inf, the trainer
// replays the step (same batch, same random streams) under findNonFiniteOp (src/device.ts), the
// per-kernel check that NCL_DEBUG=1 turns on for a whole run.

export class NonFiniteLossError extends Error {}

export function isFiniteAll(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}
