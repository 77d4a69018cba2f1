// The NaN/Inf guard: a step whose loss or gradient norm is not finite stops the run before the
// optimiser touches the weights. To name the op that produced the first NaN/Inf, the step is
// replayed (same batch, same random streams) with the runtime's per-kernel check on
// (src/runtime/debug.ts, what NCL_DEBUG=1 turns on for a whole run).
import { runtime } from '../../runtime/context.ts';
import { NonFiniteError } from '../../runtime/debug.ts';

export class NonFiniteLossError extends Error {}

/** Runs `replay` with per-kernel NaN/Inf checks; returns the report of the first flagged op. */
export async function findNonFiniteOp(replay: () => void): Promise<string> {
  const rt = runtime();
  const wasOn = rt.debug !== null;
  await rt.sync();
  rt.setDebug(true);
  try {
    replay();
    await rt.sync();
    return 'no kernel output was NaN/Inf when the step was replayed';
  } catch (e) {
    if (e instanceof NonFiniteError) return e.message;
    throw e;
  } finally {
    rt.setDebug(wasOn);
  }
}

export function isFiniteAll(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}
