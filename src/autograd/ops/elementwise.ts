// Elementwise ops with their gradients. Binary ops broadcast like NumPy; a gradient flowing to a
// broadcast input is summed back to that input's shape.
import { binaryKernel, unaryKernel, type UnaryOp } from '../../kernels/elementwise.ts';
import { defineOp } from '../registry.ts';
import { Tensor } from '../tensor.ts';
import { sumToShape } from './reduce.ts';

type Operand = Tensor | number;

function unaryOp(name: UnaryOp, backward: (g: Tensor, x: Tensor, y: Tensor, p: number) => Tensor) {
  return defineOp<number>({
    name,
    forward: ([x], p) => unaryKernel(name, x!, p),
    backward: (g, { inputs: [x], output, attrs }) => [backward(g, x!, output, attrs)],
  });
}

const negOp = unaryOp('neg', (g) => neg(g));
const expOp = unaryOp('exp', (g, _x, y) => mul(g, y));
const logOp = unaryOp('log', (g, x) => div(g, x));
const sqrtOp = unaryOp('sqrt', (g, _x, y) => div(mulScalar(g, 0.5), y));
const powOp = unaryOp('pow', (g, x, _y, p) => mul(g, mulScalar(pow(x, p - 1), p)));
const reluOp = unaryOp('relu', (g, x) => mul(g, Tensor.wrap(unaryKernel('step', x.storage))));
const sigmoidOp = unaryOp('sigmoid', (g, _x, y) => mul(g, mul(y, addScalar(neg(y), 1))));
const tanhOp = unaryOp('tanh', (g, _x, y) => mul(g, addScalar(neg(mul(y, y)), 1)));
const addScalarOp = unaryOp('addScalar', (g) => g);
const mulScalarOp = unaryOp('mulScalar', (g, _x, _y, p) => mulScalar(g, p));

export const neg = (x: Tensor) => negOp([x], 0);
export const exp = (x: Tensor) => expOp([x], 0);
export const log = (x: Tensor) => logOp([x], 0);
export const sqrt = (x: Tensor) => sqrtOp([x], 0);
/** x^p for a scalar p (x ≥ 0, or any x for integer p). */
export const pow = (x: Tensor, p: number) => powOp([x], p);
export const relu = (x: Tensor) => reluOp([x], 0);
export const sigmoid = (x: Tensor) => sigmoidOp([x], 0);
export const tanh = (x: Tensor) => tanhOp([x], 0);
export const addScalar = (x: Tensor, c: number) => addScalarOp([x], c);
export const mulScalar = (x: Tensor, c: number) => mulScalarOp([x], c);
export const square = (x: Tensor) => pow(x, 2);

const addOp = defineOp({
  name: 'add',
  forward: ([a, b]) => binaryKernel('add', a!, b!),
  backward: (g, { inputs: [a, b] }) => [sumToShape(g, a!.shape), sumToShape(g, b!.shape)],
});
const subOp = defineOp({
  name: 'sub',
  forward: ([a, b]) => binaryKernel('sub', a!, b!),
  backward: (g, { inputs: [a, b] }) => [sumToShape(g, a!.shape), sumToShape(neg(g), b!.shape)],
});
const mulOp = defineOp({
  name: 'mul',
  forward: ([a, b]) => binaryKernel('mul', a!, b!),
  backward: (g, { inputs: [a, b] }) => [
    a!.requiresGrad ? sumToShape(mul(g, b!), a!.shape) : null,
    b!.requiresGrad ? sumToShape(mul(g, a!), b!.shape) : null,
  ],
});
// d(a/b)/da = 1/b,  d(a/b)/db = −a/b² = −(a/b)/b
const divOp = defineOp({
  name: 'div',
  forward: ([a, b]) => binaryKernel('div', a!, b!),
  backward: (g, { inputs: [a, b], output }) => [
    a!.requiresGrad ? sumToShape(div(g, b!), a!.shape) : null,
    b!.requiresGrad ? sumToShape(neg(div(mul(g, output), b!)), b!.shape) : null,
  ],
});
/** 1 where a = b, else 0 (no gradient). */
const equalOp = defineOp({ name: 'equal', forward: ([a, b]) => binaryKernel('equal', a!, b!) });

export function add(a: Tensor, b: Operand): Tensor {
  return typeof b === 'number' ? addScalar(a, b) : addOp([a, b], undefined);
}
export function sub(a: Tensor, b: Operand): Tensor {
  return typeof b === 'number' ? addScalar(a, -b) : subOp([a, b], undefined);
}
export function mul(a: Tensor, b: Operand): Tensor {
  return typeof b === 'number' ? mulScalar(a, b) : mulOp([a, b], undefined);
}
export function div(a: Tensor, b: Operand): Tensor {
  return typeof b === 'number' ? mulScalar(a, 1 / b) : divOp([a, b], undefined);
}
export function equal(a: Tensor, b: Tensor): Tensor {
  return equalOp([a, b], undefined);
}
