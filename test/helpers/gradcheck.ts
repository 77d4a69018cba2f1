// Checking an op's gradient against central finite differences of its float64 reference.
//   L(x) = Σ R ⊙ f(x) with a fixed random R;  dL/dx_k ≈ (L(x + h e_k) − L(x − h e_k)) / 2h.
import { backward, mul, sum, tidy, type Tensor } from '../../src/index.ts';
import type { Arr } from '../../src/check/reference.ts';
import { assertClose, randomArr, rng, toTensor } from './setup.ts';

export interface GradCheck {
  name: string;
  inputs: Arr[];
  /** The op on the device. */
  gpu: (xs: Tensor[]) => Tensor;
  /** The float64 reference. */
  ref: (xs: Arr[]) => Arr;
  /** Inputs that get no gradient (e.g. indices encoded as floats). */
  constant?: number[];
  atol?: number;
  rtol?: number;
  /** Forward tolerance (defaults to atol/rtol). */
  fwdAtol?: number;
  fwdRtol?: number;
  h?: number;
}

export async function checkOp(c: GradCheck): Promise<void> {
  const random = rng(12345);
  const want = c.ref(c.inputs);
  const R = randomArr(want.shape, random);
  const loss = (xs: Arr[]) => {
    const y = c.ref(xs);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += R.data[i]! * y.data[i]!;
    return s;
  };
  const ts = c.inputs.map((a, i) => toTensor(a, !c.constant?.includes(i)));
  const [out] = tidy(() => {
    const y = c.gpu(ts);
    backward(sum(mul(y, toTensor(R))));
    return [y];
  });
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-3;
  assertClose(await out!.data(), want.data, c.fwdAtol ?? atol, c.fwdRtol ?? rtol, `${c.name} forward`);
  const h = c.h ?? 1e-6;
  for (let k = 0; k < c.inputs.length; k++) {
    if (c.constant?.includes(k)) continue;
    const x = c.inputs[k]!;
    const fd = new Float64Array(x.data.length);
    for (let e = 0; e < x.data.length; e++) {
      const saved = x.data[e]!;
      x.data[e] = saved + h;
      const up = loss(c.inputs);
      x.data[e] = saved - h;
      const down = loss(c.inputs);
      x.data[e] = saved;
      fd[e] = (up - down) / (2 * h);
    }
    const g = ts[k]!.grad;
    if (!g) throw new Error(`${c.name}: input ${k} received no gradient`);
    assertClose(await g.data(), fd, atol, rtol, `${c.name} gradient of input ${k}`);
  }
  out!.dispose();
  for (const t of ts) {
    t.zeroGrad();
    t.dispose();
  }
}
