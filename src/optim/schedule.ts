// Learning-rate schedules, as pure functions of the step (0-based), so a resumed run continues
// exactly where it stopped.
//   cosine with warm-up (IMDL-BenCo's default with AdamW):
//     lr(t) = base · (t + 1) / warmup                                    for t < warmup
//     lr(t) = min + (base − min) · ½ (1 + cos(π · (t − warmup) / (total − warmup)))   after
//   poly (the DeepLab code base, with SGD):  lr(t) = base · (1 − t / total)^power
export type Schedule = (step: number) => number;

export function cosineWithWarmup(base: number, total: number, warmup = 0, min = 0): Schedule {
  if (!(total > 0) || warmup < 0 || warmup >= total) {
    throw new Error(`cosine schedule needs 0 ≤ warmup < total steps, got warmup ${warmup}, total ${total}`);
  }
  return (step) => {
    if (step < warmup) return (base * (step + 1)) / warmup;
    const progress = Math.min(1, (step - warmup) / (total - warmup));
    return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

export function poly(base: number, total: number, power = 0.9): Schedule {
  if (!(total > 0)) throw new Error(`poly schedule needs a positive number of steps, got ${total}`);
  return (step) => base * Math.max(0, 1 - step / total) ** power;
}
