// Logistic regression in float64, fit by plain full-batch gradient descent on the cross-entropy
// with soft targets in [0, 1]. Inputs are standardised (train mean and deviation); with `squares`
// each is also given squared, so the decision can depend on a statistic being too high or too low
// (the shortcut probe of the tests); without, the model is linear in its inputs (a linear probe).

export interface LogisticModel {
  mean: Float64Array;
  std: Float64Array;
  weights: Float64Array;
  squares: boolean;
}

function expand(x: Float64Array, mean: Float64Array, std: Float64Array, squares: boolean): Float64Array {
  const d = x.length;
  const z = new Float64Array(1 + (squares ? 2 : 1) * d);
  z[0] = 1;
  for (let i = 0; i < d; i++) {
    const s = (x[i]! - mean[i]!) / std[i]!;
    z[1 + i] = s;
    if (squares) z[1 + d + i] = s * s - 1;
  }
  return z;
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

export function fitLogistic(xs: Float64Array[], ys: number[], options: { steps?: number; rate?: number; squares?: boolean } = {}): LogisticModel {
  const { steps = 400, rate = 0.5, squares = false } = options;
  const d = xs[0]!.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) mean[i]! += x[i]! / xs.length;
  for (const x of xs) for (let i = 0; i < d; i++) std[i]! += (x[i]! - mean[i]!) ** 2 / xs.length;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]!) || 1;
  const zs = xs.map((x) => expand(x, mean, std, squares));
  const weights = new Float64Array(zs[0]!.length);
  const grad = new Float64Array(weights.length);
  for (let step = 0; step < steps; step++) {
    grad.fill(0);
    zs.forEach((z, n) => {
      let t = 0;
      for (let i = 0; i < z.length; i++) t += weights[i]! * z[i]!;
      const e = sigmoid(t) - ys[n]!; // ∂CE/∂t
      for (let i = 0; i < z.length; i++) grad[i]! += e * z[i]!;
    });
    for (let i = 0; i < weights.length; i++) weights[i]! -= (rate * grad[i]!) / zs.length;
  }
  return { mean, std, weights, squares };
}

export function predictLogistic(model: LogisticModel, x: Float64Array): number {
  const z = expand(x, model.mean, model.std, model.squares);
  let t = 0;
  for (let i = 0; i < z.length; i++) t += model.weights[i]! * z[i]!;
  return sigmoid(t);
}
