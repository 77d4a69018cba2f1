// The loop budget of CPU adapters. Mesa's llvmpipe (gallivm) ends every loop of a shader
// invocation once the loops together have run 65535 iterations (LP_MAX_TGSI_LOOP_ITERATIONS, one
// counter shared by all loops), silently: the results are simply incomplete. Kernels whose loops
// grow with the problem size split the work across dispatches (or invocations) so that no
// invocation exceeds the budget. On a GPU there is no such limit; splitting there only adds a few
// dispatches.

/** Loop iterations one invocation may run, with a margin below llvmpipe's 65535. */
export const LOOP_ITERATION_BUDGET = 60000;

/** Throws, naming the kernel, when a fixed-size invocation would exceed the budget. */
export function checkLoopBudget(kernel: string, iterations: number, what: string): void {
  if (iterations > LOOP_ITERATION_BUDGET) {
    throw new Error(`${kernel}: ${what} needs ${iterations} loop iterations per invocation; CPU adapters (llvmpipe) stop every shader loop after 65535`);
  }
}
