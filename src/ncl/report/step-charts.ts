// The charts of a run's steps, from its step records: L and L_seg, the contrastive and
// pivot-consistent terms, each head's L_con against its collapse value and minimum (docs/method.md
// §5), and the learning rate — in report.html and, live, in the browser page's training section.
import type { StepRecord } from '../train/log.ts';
import { lineChart, type Series } from './svg-chart.ts';

export interface StepCharts {
  losses: string;
  /** '' when the run has no contrastive or pivot-consistent term. */
  contrastive: string;
  /** One chart per head with a contrastive term. */
  bounds: string[];
  learningRate: string;
}

export function stepCharts(steps: StepRecord[]): StepCharts {
  const series = (key: keyof StepRecord, name: string): Series => ({ name, points: steps.filter((r) => r[key] !== undefined).map((r) => [r.step, r[key] as number]) });
  const contrastive = [series('con_t', 'L_con (T)'), series('con_a', 'L_con (A)'), series('pc', 'L_pc')].filter((s) => s.points.length > 0);
  const heads = (['t', 'a'] as const).filter((h) => steps.some((r) => r.bounds?.[h]));
  const bound = (h: 't' | 'a', key: 'collapse' | 'minimum', name: string): Series => ({ name, points: steps.filter((r) => r.bounds?.[h]).map((r) => [r.step, r.bounds![h]![key]]) });
  return {
    losses: lineChart('Total loss L and segmentation loss L_seg per step', [series('loss', 'L'), series('seg', 'L_seg')]),
    contrastive: contrastive.length ? lineChart('Contrastive and pivot-consistent terms per step', contrastive) : '',
    bounds: heads.map((h) =>
      lineChart(`L_con of head ${h.toUpperCase()} per step, against its collapse value log(N − 1) and the minimum for the batch's classes (§5)`, [series(h === 't' ? 'con_t' : 'con_a', `L_con (${h.toUpperCase()})`), bound(h, 'collapse', 'collapse'), bound(h, 'minimum', 'minimum')]),
    ),
    learningRate: lineChart('Learning rate per step', [series('lr', 'learning rate')]),
  };
}
