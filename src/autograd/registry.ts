// Ops: each op declares its forward (kernels over the inputs' storage, producing fresh
// storage) and its backward (the gradients of its inputs, written with other ops). Applying an op
// wraps the result in a tensor and records a graph node when gradients are enabled and an input
// requires one.
//
// Saved tensors: a forward may return storage it computed on the way (statistics, argmax, LSE)
// for its backward. The graph node owns them and releases them with the output tensor; when no
// node is recorded they are released at once.
import type { Storage } from '../storage/storage.ts';
import { keep, isGradEnabled } from './scope.ts';
import { Tensor } from './tensor.ts';

export interface BackwardContext<A> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
  /** What the forward saved, in its order. */
  readonly saved: readonly Tensor[];
}

/** A forward's output, and what it keeps for the backward pass. */
export interface ForwardResult {
  readonly output: Storage;
  readonly saved: readonly Storage[];
}

export interface OpDefinition<A> {
  readonly name: string;
  /** `recording`: a graph node will keep what the forward saves (skip saving when false). */
  readonly forward: (inputs: readonly Storage[], attrs: A, recording: boolean) => Storage | ForwardResult;
  /** Omitted for ops without a gradient (comparisons); their outputs never require one. */
  readonly backward?: (grad: Tensor, ctx: BackwardContext<A>) => Array<Tensor | null>;
}

/** Names in use: graph nodes and debug reports name ops, so each name is defined once. */
const opNames = new Set<string>();

export type AppliedOp<A> = (inputs: readonly Tensor[], attrs: A) => Tensor;

export function defineOp<A = undefined>(def: OpDefinition<A>): AppliedOp<A> {
  if (opNames.has(def.name)) throw new Error(`op '${def.name}' is defined twice`);
  opNames.add(def.name);
  return (inputs, attrs) => {
    const recording = !!def.backward && isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const result = def.forward(inputs.map((t) => t.storage), attrs, recording); // .storage throws naming a disposed input
    const { output: storage, saved } = 'output' in result ? result : { output: result, saved: [] };
    const output = Tensor.wrap(storage);
    if (recording) {
      const backward = def.backward;
      const ctx = { inputs, output, attrs, saved: saved.map((s) => keep(Tensor.wrap(s))) };
      output.requiresGrad = true;
      output.node = { op: def.name, inputs, saved: ctx.saved, backward: (grad) => backward(grad, ctx) };
    } else {
      for (const s of saved) s.dispose();
    }
    return output;
  };
}
