// The output stem of each input of one prediction, so that their files do not overwrite each other:
// for `<stem>.<ext>` the stem; where two inputs share a stem (rgb16.png, rgb16.tif) both keep their
// extension in it (`rgb16.png`, `rgb16.tif`); two inputs of the same file name (from different
// folders) cannot both be named, an error naming them. Plain strings, for `ncl predict`
// (prediction-names.ts) and the browser page alike.

/** A file name without its extension: up to its last dot, unless that dot starts the name (as node:path's extname cuts). */
export function fileStem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export interface PredictionInput {
  /** The file name, without folders. */
  name: string;
  /** How an error names the input (its path). */
  label: string;
}

/** The stem of each input, in the inputs' order; `advice` ends the error for inputs sharing a file name. */
export function uniqueStems(inputs: readonly PredictionInput[], advice: string): string[] {
  const count = (key: (i: PredictionInput) => string) => {
    const n = new Map<string, number>();
    for (const i of inputs) n.set(key(i), (n.get(key(i)) ?? 0) + 1);
    return n;
  };
  const stems = count((i) => fileStem(i.name));
  const names = count((i) => i.name);
  return inputs.map((input) => {
    if (stems.get(fileStem(input.name)) === 1) return fileStem(input.name);
    if (names.get(input.name) === 1) return input.name;
    const same = inputs.filter((i) => i.name === input.name).map((i) => i.label);
    throw new Error(`inputs ${same.join(', ')} share the name ${input.name}: their predictions would overwrite each other; ${advice}`);
  });
}
