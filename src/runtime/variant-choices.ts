// Which variant of a kernel family runs for a shape class: the registry of tunable families, the
// choices of the current run, and the classes waiting to be tuned.
//
// A family (src/kernels/variants.ts) maps each problem to a shape class and asks `choose` for its
// variant. What is chosen, by mode:
//   'off'   the variant pinned for the class (a checkpoint's record), else the profile's default;
//   'lazy'  pinned, else the tuning cache's winner (tune-cache.ts), else the default, and the
//           class waits for tunePending (tuner.ts) — training tunes an unseen class once;
//   'all'   pinned, else the default, and every class waits to be timed anew (`ncl tune`).
// Every choice made is recorded (`variantRecord`): a checkpoint stores it and a resumed run pins
// it, so the resumed run computes with the variants of the run it continues.
import { runtime } from './context.ts';
import { variantKey, type Tunable } from './tunable.ts';
import { cachedVariant } from './tune-cache.ts';

export type TuneMode = 'off' | 'lazy' | 'all';

/** family name → shape class → variant. */
export type VariantRecord = Record<string, Record<string, unknown>>;

export interface PendingClass {
  family: Tunable;
  cls: string;
  /** The first problem of the class seen: what the tuner times. */
  problem: unknown;
}

/** One choice `choose` made; `byDefault`: nothing pinned or cached chose it, the profile's
 *  default did. */
export interface Choice {
  family: Tunable;
  cls: string;
  variant: unknown;
  byDefault: boolean;
}

const families = new Map<string, Tunable>();
let mode: TuneMode = 'off';
let pinned = new Map<string, Map<string, unknown>>();
let used = new Map<string, Map<string, unknown>>();
let pending = new Map<string, PendingClass>();
const watchers = new Set<(choice: Choice) => void>();

export function registerTunable(family: Tunable): void {
  if (families.has(family.name)) throw new Error(`two kernel families are named '${family.name}'`);
  families.set(family.name, family);
}

/** Every family registered. */
export function tunableFamilies(): Tunable[] {
  return [...families.values()];
}

function set(table: Map<string, Map<string, unknown>>, family: string, cls: string, v: unknown): void {
  let m = table.get(family);
  if (!m) table.set(family, (m = new Map()));
  m.set(cls, v);
}

/** The variant for a problem of class `cls` (see the modes above). */
export function choose(family: Tunable, cls: string, problem: unknown): unknown {
  let v = pinned.get(family.name)?.get(cls);
  if (v === undefined && mode === 'lazy') {
    v = cachedVariant(family, cls);
    if (v !== undefined) set(pinned, family.name, cls, v);
  }
  const byDefault = v === undefined;
  if (v === undefined) {
    v = family.defaultFor(runtime().profile);
    const key = `${family.name}\u0000${cls}`;
    if (mode !== 'off' && !pending.has(key)) pending.set(key, { family, cls, problem });
  }
  set(used, family.name, cls, v);
  for (const watch of watchers) watch({ family, cls, variant: v, byDefault });
  return v;
}

/** Calls `watcher` with every choice made from now on (benches say which variants ran); returns
 *  the function that stops it. */
export function watchChoices(watcher: (choice: Choice) => void): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

/** Starts a run's choices afresh: the mode, and the variants a checkpoint recorded pinned. */
export function startChoices(m: TuneMode, recorded: VariantRecord = {}): void {
  mode = m;
  pinned = new Map();
  used = new Map();
  pending = new Map();
  for (const [name, classes] of Object.entries(recorded)) {
    const family = families.get(name);
    if (!family) throw new Error(`variants are recorded for a kernel family '${name}' that this version of ncl does not have`);
    for (const [cls, v] of Object.entries(classes)) {
      const known = (['cpu', 'gpu'] as const).some((p) => family.candidates(p, cls).some((c) => variantKey(c) === variantKey(v)));
      if (!known) throw new Error(`the recorded ${name} variant ${JSON.stringify(v)} for shape class '${cls}' is not one this version of ncl has`);
      const why = family.unavailable(v);
      if (why) throw new Error(`a variant the run recorded cannot run here: ${why}`);
      set(pinned, name, cls, v);
    }
  }
}

/** Pins a class's variant for the rest of the run (the tuner's winner). */
export function pin(family: Tunable, cls: string, v: unknown): void {
  set(pinned, family.name, cls, v);
}

/** Classes waiting to be tuned, and none left waiting. */
export function takePending(): PendingClass[] {
  const out = [...pending.values()];
  pending = new Map();
  return out;
}

export function hasPending(): boolean {
  return pending.size > 0;
}

/** Every variant chosen in this run, pinned ones included. */
export function variantRecord(): VariantRecord {
  const out: VariantRecord = {};
  for (const table of [used, pinned]) {
    for (const [name, classes] of table) out[name] = { ...out[name], ...Object.fromEntries(classes) };
  }
  return out;
}
