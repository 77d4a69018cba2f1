// What a resumed run may change of the config stored in its checkpoint: only what does not alter
// what was already computed (more steps, the cadences).
import { resolveTrainConfig, type TrainConfig, type TrainConfigLayer } from './config.ts';
import { scheduleOf } from './optimizer.ts';

/** The config fields a resumed run may change: they do not alter what was already computed. */
export const RESUME_CHANGEABLE = ['steps', 'evalEvery', 'checkpointEvery'] as const;
export type ResumeChanges = Partial<Pick<TrainConfig, (typeof RESUME_CHANGEABLE)[number]>>;

/** The fields of `asked` a resumed run may change; any other field asked for is an error naming it. */
export function resumeChangesOf(asked: TrainConfigLayer): ResumeChanges {
  const fixed: string[] = [];
  for (const [key, value] of Object.entries(asked)) {
    if (value === undefined || (RESUME_CHANGEABLE as readonly string[]).includes(key)) continue;
    if (key === 'ncl' || key === 'model') for (const k of Object.keys(value as object)) fixed.push(`${key}.${k}`);
    else fixed.push(key);
  }
  if (fixed.length) {
    throw new Error(`a resumed run keeps the config stored in its checkpoint; ${fixed.sort().join(', ')} cannot change mid-run (start a new run for that). It can change: ${RESUME_CHANGEABLE.join(', ')}`);
  }
  return Object.fromEntries(RESUME_CHANGEABLE.filter((k) => asked[k] !== undefined).map((k) => [k, asked[k]]));
}

/** The checkpoint's config with the changes applied; a new total of steps stretches the schedule. */
export function resumedConfig(stored: TrainConfig, step: number, changes: ResumeChanges, notice: (text: string) => void): TrainConfig {
  const config = resolveTrainConfig(stored, changes);
  if (config.steps <= step) {
    if (changes.steps === undefined) throw new Error(`the checkpoint is at step ${step}, the end of its run of ${stored.steps} steps: give --steps (more than ${step}) to train further`);
    throw new Error(`the checkpoint is at step ${step}: --steps ${config.steps} ends before it (give more steps to train further)`);
  }
  if (config.steps !== stored.steps) {
    const lr = (c: TrainConfig) => scheduleOf(c)(step);
    notice(`resuming at step ${step} with ${config.steps} steps instead of ${stored.steps}: the learning-rate schedule is recomputed over the new total (at step ${step}: ${lr(config).toPrecision(3)} instead of ${lr(stored).toPrecision(3)})`);
  }
  return config;
}
