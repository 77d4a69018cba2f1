// Reverse-mode differentiation: one topological sort of the graph below the root, then a reverse
// walk that turns each node's output gradient into its inputs' and accumulates them (a tensor
// used several times receives the sum). Leaves that require a gradient keep it in `.grad`,
// adding to what is already there; intermediate gradients are released as soon as they are used.
import { full } from './ops/creation.ts';
import { add } from './ops/elementwise.ts';
import { keep, noGrad } from './scope.ts';
import { Tensor, formatShape } from './tensor.ts';

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<[Tensor, boolean]> = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
  }
  return order; // inputs before the tensors computed from them
}

export function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`backward: ${root.describe()} does not require a gradient (no input of its graph does)`);
  if (!seed && root.size !== 1) throw new Error(`backward: ${root.describe()} is not a scalar; pass the output gradient`);
  if (seed && formatShape(seed.shape) !== formatShape(root.shape)) {
    throw new Error(`backward: gradient shape ${formatShape(seed.shape)} differs from ${root.describe()}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, seed ? seed.view(seed.shape) : full(root.shape, 1));
    const order = topologicalOrder(root);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (!t.node) {
        accumulateLeaf(t, g);
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, k) => {
        const ig = inputGrads[k];
        if (!ig || !input.requiresGrad) {
          if (ig && ig !== g) ig.dispose();
          return;
        }
        if (formatShape(ig.shape) !== formatShape(input.shape)) {
          throw new Error(`backward of ${t.node!.op}: gradient ${formatShape(ig.shape)} for input ${input.describe()}`);
        }
        // A view, so that a gradient passed on unchanged to several inputs has one owner each.
        const own = ig.view(ig.shape);
        if (ig !== g) ig.dispose();
        const prev = grads.get(input);
        if (prev) {
          grads.set(input, add(prev, own));
          prev.dispose();
          own.dispose();
        } else grads.set(input, own);
      });
      g.dispose();
    }
  });
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (t.grad && !t.grad.disposed) {
    const sum = add(t.grad, g);
    t.grad.dispose();
    g.dispose();
    t.grad = keep(sum);
  } else {
    t.grad = keep(g);
  }
}
