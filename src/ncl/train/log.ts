// The run's JSON-lines log: one object per optimiser step ({"type":"step", ...losses}), per
// evaluation ({"type":"eval", ...metrics}) and per sample dropped because its file failed to decode
// ({"type":"damaged", step, split, image, reason}). `step` counts completed optimiser steps. A resumed run
// first drops the lines past its checkpoint's step, so the log tells one uninterrupted story.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { describeFsError, writeTextAtomic } from '../../io/atomic-write.ts';
import type { EvalJson } from '../evaluate.ts';
import type { ContrastiveBounds } from '../diagnostics/contrastive-bounds.ts';
import type { Branch } from '../method/model/network.ts';

export interface StepRecord {
  type: 'step';
  step: number;
  lr: number;
  /** L and its terms (§5), averaged over the step's micro-batches; absent terms are omitted. */
  loss: number;
  seg: number;
  con_t?: number;
  con_a?: number;
  pc?: number;
  /** L_ct, the contour loss (λ_ct > 0). */
  contour?: number;
  /** Collapse value and minimum of each head's L_con this step (docs/method.md (5.9)–(5.10)). */
  bounds?: Partial<Record<Branch, ContrastiveBounds>>;
  gradNorm: number;
  patches: number;
  contourPatches: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface EvalRecord extends EvalJson {
  type: 'eval';
  step: number;
}

export interface DamagedRecord {
  type: 'damaged';
  /** Completed steps when it was met. */
  step: number;
  split: 'train' | 'val';
  image: string;
  reason: string;
}

export type LogRecord = StepRecord | EvalRecord | DamagedRecord;

export class RunLog {
  constructor(readonly path: string) {}

  /** Starts the log: empty for a new run; for a resumed one, the lines up to `step`. */
  start(resumedAt: number | null): void {
    const kept = resumedAt === null ? [] : readLog(this.path).filter((r) => r.step <= resumedAt);
    writeTextAtomic(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  append(record: LogRecord): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (e) {
      throw new Error(`could not append to ${this.path}: ${describeFsError(e)}`);
    }
  }
}

export function readLog(path: string): LogRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as LogRecord;
      } catch {
        throw new Error(`${path}: line ${i + 1} is not JSON`);
      }
    });
}
