// Weight initialisation from a seeded generator, so the same seed gives the same network.
//   Kaiming (He) normal for a layer followed by ReLU: w ~ N(0, 2 / fan), fan = C_in/groups · k_h · k_w
//   (fan-in, PyTorch's kaiming_normal_ default and what the DeepLabV3+ decoder and ASPP use).
import type { Rng } from '../common/rng.ts';

export function kaimingNormal(shape: readonly number[], rng: Rng): Float32Array {
  if (shape.length < 2) throw new Error(`kaimingNormal: shape [${shape.join(',')}] needs an output and an input dimension`);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const std = Math.sqrt(2 / fanIn);
  const count = shape[0]! * fanIn;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = std * rng.normal();
  return out;
}

/** PyTorch's default bias init for a layer with this fan-in: U(−1/√fan, 1/√fan). */
export function uniformBias(count: number, fanIn: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: count }, () => rng.uniform(-bound, bound));
}
