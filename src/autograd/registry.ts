// The op table: each op declares its forward (kernels producing a fresh tensor) and its backward
// (the gradients of its inputs, written with other ops). Applying an op records a graph node
// when gradients are enabled and an input requires one.
import { isGradEnabled } from './scope.ts';
import type { Tensor } from './tensor.ts';

export interface BackwardContext<A> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
}

export interface OpDefinition<A> {
  readonly name: string;
  readonly forward: (inputs: readonly Tensor[], attrs: A) => Tensor;
  /** Omitted for ops without a gradient (comparisons); their outputs never require one. */
  readonly backward?: (grad: Tensor, ctx: BackwardContext<A>) => Array<Tensor | null>;
}

/** Every defined op by name (attributes differ per op, hence `any`). */
export const opTable = new Map<string, OpDefinition<any>>();

export type AppliedOp<A> = (inputs: readonly Tensor[], attrs: A) => Tensor;

export function defineOp<A = undefined>(def: OpDefinition<A>): AppliedOp<A> {
  if (opTable.has(def.name)) throw new Error(`op '${def.name}' is defined twice`);
  opTable.set(def.name, def);
  return (inputs, attrs) => {
    for (const t of inputs) void t.buffer; // throws with the tensor's description if disposed
    const output = def.forward(inputs, attrs);
    if (def.backward && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
      const backward = def.backward;
      output.requiresGrad = true;
      output.node = { op: def.name, inputs, backward: (grad) => backward(grad, { inputs, output, attrs }) };
    }
    return output;
  };
}
