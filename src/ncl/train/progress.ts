// Progress while training: a cli-progress bar on a terminal (each loss term, learning rate,
// images/s, ETA); elsewhere a plain line about twenty times per run.
import cliProgress from 'cli-progress';
import type { StepRecord } from './log.ts';

const f = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toFixed(digits));

function terms(r: StepRecord): string {
  const con = [r.con_t, r.con_a].filter((v) => v !== undefined).map((v) => f(v)).join('/');
  return `L ${f(r.loss)} seg ${f(r.seg)}${con ? ` con ${con}` : ''}${r.pc !== undefined ? ` pc ${f(r.pc)}` : ''}`;
}

export interface Progress {
  update(record: StepRecord): void;
  note(line: string): void;
  stop(): void;
}

export function createProgress(totalSteps: number, startStep: number, enabled: boolean): Progress {
  if (!enabled) return { update: () => {}, note: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    const every = Math.max(1, Math.floor(totalSteps / 20));
    return {
      update: (r) => {
        if (r.step % every === 0 || r.step === totalSteps) process.stderr.write(`step ${r.step}/${totalSteps} ${terms(r)} lr ${r.lr.toExponential(2)} ${r.imagesPerSecond.toFixed(2)} img/s\n`);
      },
      note: (line) => process.stderr.write(`${line}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: 'train {bar} {value}/{total} | {terms} | lr {lr} | {ips} img/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalSteps, startStep, { terms: '', lr: '-', ips: '-' });
  return {
    update: (r) => bar.update(r.step, { terms: terms(r), lr: r.lr.toExponential(2), ips: r.imagesPerSecond.toFixed(2) }),
    note: (line) => process.stderr.write(`\r\x1b[K${line}\n`), // the bar redraws on its next update
    stop: () => bar.stop(),
  };
}
