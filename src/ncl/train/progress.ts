// Progress while training: a cli-progress bar on a terminal (share of the run, step, each loss
// term, learning rate, images/s, ETA); elsewhere a plain line about twenty times per run.
import cliProgress from 'cli-progress';
import type { StepRecord } from './log.ts';

const f = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toFixed(digits));

function terms(r: StepRecord): string {
  const con = [r.con_t, r.con_a].filter((v) => v !== undefined).map((v) => f(v)).join('/');
  return `L ${f(r.loss)} seg ${f(r.seg)}${con ? ` con ${con}` : ''}${r.pc !== undefined ? ` pc ${f(r.pc)}` : ''}${r.contour !== undefined ? ` ct ${f(r.contour)}` : ''}`;
}

export interface Progress {
  /** `at`: how far the run is along its schedule, in planned steps (a time-budgeted run's steps
   *  follow the clock, not the plan: time-budget.ts). */
  update(record: StepRecord, at?: number): void;
  note(line: string): void;
  stop(): void;
}

export function createProgress(totalSteps: number, startStep: number, enabled: boolean): Progress {
  if (!enabled) return { update: () => {}, note: () => {}, stop: () => {} };
  const percent = (at: number) => Math.round((100 * at) / totalSteps);
  if (!process.stderr.isTTY) {
    const every = Math.max(1, Math.floor(totalSteps / 20));
    let shown = Math.floor(startStep / every);
    return {
      update: (r, at = r.step) => {
        if (Math.floor(at / every) <= shown && at < totalSteps) return;
        shown = Math.floor(at / every);
        process.stderr.write(`step ${r.step} (${percent(at)} %) ${terms(r)} lr ${r.lr.toExponential(2)} ${r.imagesPerSecond.toFixed(2)} img/s\n`);
      },
      note: (line) => process.stderr.write(`${line}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'train {bar} {percentage} % | step {step} | {terms} | lr {lr} | {ips} img/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalSteps, startStep, { step: startStep, terms: '', lr: '-', ips: '-' });
  return {
    update: (r, at = r.step) => bar.update(Math.min(at, totalSteps), { step: r.step, terms: terms(r), lr: r.lr.toExponential(2), ips: r.imagesPerSecond.toFixed(2) }),
    note: (line) => process.stderr.write(`\r\x1b[K${line}\n`), // the bar redraws on its next update
    stop: () => bar.stop(),
  };
}
