// The loop budget of CPU adapters. Mesa's llvmpipe (gallivm) ends every loop of a shader
// invocation once the loops together have run 65535 iterations (LP_MAX_TGSI_LOOP_ITERATIONS, one
// counter shared by all loops), silently: the results are simply incomplete. On such an adapter
// (AcquiredDevice.loopIterationCap) kernels whose loops grow with the problem size split the work
// across dispatches (or invocations) so that no invocation exceeds the budget, and kernels that
// cannot split refuse the input. Other adapters (GPUs, SwiftShader) have no cap: the budget is
// unlimited there and the work runs unsplit.
import { runtime } from '../runtime/context.ts';

/** Loop iterations one invocation may run on a capped adapter, with a margin below 65535. */
export const LOOP_ITERATION_BUDGET = 60000;

/** This adapter's budget: LOOP_ITERATION_BUDGET where loops are capped, Infinity elsewhere. */
export function loopBudget(): number {
  return runtime().adapter.loopIterationCap === null ? Infinity : LOOP_ITERATION_BUDGET;
}

/** Throws, naming the kernel, when a fixed-size invocation would exceed this adapter's budget. */
export function checkLoopBudget(kernel: string, iterations: number, what: string): void {
  if (iterations > loopBudget()) {
    throw new Error(`${kernel}: ${what} needs ${iterations} loop iterations per invocation; loop-capped adapters such as this one (${runtime().adapter.description}) stop every shader loop after ${runtime().adapter.loopIterationCap}`);
  }
}
