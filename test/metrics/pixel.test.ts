// Pixel and image metrics against hand-worked cases and brute-force references: AUC by counting
// every (positive, negative) pair, best F1 by trying every threshold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/common/rng.ts';
import { MetricsAccumulator } from '../../src/metrics/accumulator.ts';
import { centrePrior, EvaluationWithBaselines } from '../../src/metrics/baselines.ts';
import { boundaryBand, boundaryF1 } from '../../src/metrics/boundary.ts';
import { pixelMetrics } from '../../src/metrics/pixel.ts';
import { auc } from '../../src/metrics/ranking.ts';
import { resizeBilinear } from '../../src/metrics/resize.ts';

const close = (a: number | null, b: number, eps = 1e-9) => {
  assert.ok(a !== null, `expected ${b}, got null`);
  assert.ok(Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);
};

function bruteAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function bruteBestF1(scores: number[], labels: number[]): number {
  const p = labels.filter((l) => l === 1).length;
  let best = 0;
  for (const t of new Set(scores)) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, k) => { if (s >= t) labels[k] ? tp++ : fp++; });
    best = Math.max(best, (2 * tp) / (tp + fp + p));
  }
  return best;
}

test('hand-worked 2×4 image: F1, IoU, accuracy, AUC, best F1', () => {
  // mask   1 1 0 0      prob 0.9 0.4 0.6 0.1
  //        1 0 0 0           0.7 0.2 0.2 0.3
  // at 0.5: TP = 2 (0.9, 0.7), FN = 1 (0.4), FP = 1 (0.6), TN = 4
  const mask = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0]);
  const prob = Float32Array.from([0.9, 0.4, 0.6, 0.1, 0.7, 0.2, 0.2, 0.3]);
  const m = pixelMetrics(prob, mask);
  assert.equal([m.tp, m.fp, m.fn, m.tn], [2, 1, 1, 4]);
  close(m.f1, 4 / 6);
  close(m.iou, 2 / 4);
  close(m.accuracy, 6 / 8);
  // positives 0.9, 0.7, 0.4 against negatives 0.6, 0.1, 0.2, 0.2, 0.3: 0.9 and 0.7 beat all 5, 0.4 beats 4
  close(m.auc, 14 / 15);
  // threshold 0.4 catches all 3 positives and 1 negative (0.6): F1 = 6 / 7
  close(m.bestF1, 6 / 7, 1e-6);
});

test('ties count one half in AUC', () => {
  close(auc([0.5, 0.5], [1, 0]), 0.5);
  close(auc([0.5, 0.5, 0.2, 0.8], [1, 0, 0, 1]), (1 + 0.5 + 1 + 1) / 4);
});

test('AUC and best F1 match brute force on random maps with many ties', () => {
  const rng = Rng.fromSeed(11);
  for (let trial = 0; trial < 30; trial++) {
    const n = rng.int(2, 300);
    const levels = rng.int(2, 12); // few distinct values: lots of ties
    const prob = Float32Array.from({ length: n }, () => Math.fround(rng.int(0, levels) / levels));
    const mask = Uint8Array.from({ length: n }, () => (rng.chance(0.3) ? 1 : 0));
    mask[0] = 1;
    mask[1] = 0;
    const m = pixelMetrics(prob, mask);
    close(m.auc, bruteAuc([...prob], [...mask]), 1e-12);
    close(m.bestF1, bruteBestF1([...prob], [...mask]), 1e-12);
  }
});

test('edge cases: empty prediction, empty mask, all-manipulated mask', () => {
  const empty = pixelMetrics(new Float32Array(4), Uint8Array.from([1, 0, 0, 0]));
  close(empty.f1, 0);
  close(empty.iou, 0);
  close(empty.auc, 0.5); // all scores tied
  const authentic = pixelMetrics(Float32Array.from([0.9, 0.1, 0.2, 0.3]), new Uint8Array(4));
  assert.is(authentic.f1, null);
  assert.is(authentic.auc, null);
  close(authentic.accuracy, 3 / 4);
  const full = pixelMetrics(Float32Array.from([0.9, 0.8, 0.1, 0.7]), Uint8Array.from([1, 1, 1, 1]));
  assert.is(full.auc, null);
  close(full.f1, 6 / 7);
  assert.throws(() => pixelMetrics(Float32Array.from([NaN, 0]), Uint8Array.from([1, 0])), /NaN/);
  assert.throws(() => pixelMetrics(new Float32Array(3), new Uint8Array(4)), /3 pixels but mask has 4/);
});

const map = (width: number, height: number, values: number[]) => ({ width, height, data: Float32Array.from(values) });
const mask = (width: number, height: number, values: number[]) => ({ width, height, data: Uint8Array.from(values) });

test('accumulator: default mode skips authentic images, IMDL-BenCo mode scores them 0', () => {
  const acc = new MetricsAccumulator();
  acc.add({ prediction: map(2, 2, [0.9, 0.1, 0.1, 0.1]), mask: mask(2, 2, [1, 0, 0, 0]) }); // perfect: F1 1, AUC 1
  acc.add({ prediction: map(2, 2, [0.9, 0.9, 0.1, 0.1]), mask: mask(2, 2, [1, 0, 0, 0]) }); // F1 2/3, AUC 5/6
  acc.add({ prediction: map(2, 2, [0.2, 0.2, 0.2, 0.6]), mask: mask(2, 2, [0, 0, 0, 0]) }); // authentic, score 0.6
  acc.add({ prediction: map(2, 2, [0.9, 0.9, 0.9, 0.2]), mask: mask(2, 2, [1, 1, 1, 1]) }); // AUC undefined
  const s = acc.summarise();
  assert.is(s.images, 4);
  assert.is(s.authenticSkipped, 1);
  assert.is(s.aucUndefined, 1);
  close(s.pixel.f1, (1 + 2 / 3 + 6 / 7) / 3);
  close(s.pixel.auc, (1 + 5 / 6) / 2);
  assert.is(s.pixel.aucImages, 2);
  close(s.pixelBenco.f1, (1 + 2 / 3 + 0 + 6 / 7) / 4);
  close(s.pixelBenco.auc, (1 + 5 / 6 + 0) / 3);
  close(s.pixelBenco.accuracy, (1 + 3 / 4 + 3 / 4 + 3 / 4) / 4);
  // image level: scores 0.9, 0.9, 0.6, 0.9 with labels 1, 1, 0, 1 → all called tampered
  close(s.imageLevel.auc, 1);
  close(s.imageLevel.accuracy, 3 / 4);
  close(s.imageLevel.f1, 6 / 7);
});

test('accumulator: given image scores and labels override the defaults', () => {
  const acc = new MetricsAccumulator();
  acc.add({ prediction: map(1, 2, [0.9, 0.1]), mask: mask(1, 2, [1, 0]), score: 0.2, label: 1 });
  acc.add({ prediction: map(1, 2, [0.1, 0.1]), mask: mask(1, 2, [0, 0]), score: 0.7, label: 0 });
  const s = acc.summarise();
  close(s.imageLevel.auc, 0);
  close(s.imageLevel.accuracy, 0);
});

test('all-authentic dataset: pixel means undefined, image AUC undefined, counts kept', () => {
  const acc = new MetricsAccumulator();
  for (let i = 0; i < 3; i++) acc.add({ prediction: map(2, 1, [0.1 * i, 0.2]), mask: mask(2, 1, [0, 0]) });
  const s = acc.summarise();
  assert.is(s.authenticSkipped, 3);
  assert.is(s.pixel.f1, null);
  assert.is(s.pixel.images, 0);
  assert.is(s.imageLevel.auc, null);
  close(s.imageLevel.accuracy, 1);
  assert.is(s.imageLevel.f1, null);
  close(s.pixelBenco.f1, 0);
});

test('a prediction at another size is resized bilinearly to the mask', () => {
  const up = resizeBilinear(map(2, 1, [0, 1]), 4, 1);
  assert.equal([...up.data], [0, 0.25, 0.75, 1]);
  const acc = new MetricsAccumulator();
  const m = acc.add({ prediction: map(2, 1, [0, 1]), mask: mask(4, 1, [0, 0, 1, 1]) });
  close(m.f1, 1);
});

test('trivial baselines: all-tampered F1 = 2A/(1+A), all-authentic F1 = 0', () => {
  const evaluation = new EvaluationWithBaselines();
  evaluation.add({ prediction: map(4, 1, [0.8, 0.1, 0.1, 0.1]), mask: mask(4, 1, [1, 0, 0, 0]) }); // A = 1/4
  evaluation.add({ prediction: map(4, 1, [0.1, 0.1, 0.1, 0.1]), mask: mask(4, 1, [0, 0, 0, 0]) });
  const s = evaluation.summarise();
  close(s.allTampered.pixel.f1, (2 * 0.25) / 1.25);
  close(s.allTampered.pixel.auc, 0.5);
  close(s.allTampered.imageLevel.accuracy, 0.5);
  close(s.allAuthentic.pixel.f1, 0);
  close(s.allAuthentic.pixel.accuracy, 0.75);
  close(s.allAuthentic.imageLevel.accuracy, 0.5);
  close(s.model.pixel.f1, 1);
});

test('centre prior: 1 − √(u² + v²)/√2 per pixel centre; the central block scores AUC 1, a corner pixel its ties', () => {
  const prior = centrePrior(mask(4, 4, new Array(16).fill(0)));
  // pixel (1, 1): u = v = −¼ → ¾; (0, 0): u = v = −¾ → ¼; (1, 0): u = −¼, v = −¾ → 1 − √(10/16)/√2
  close(prior.data[5]!, 0.75, 1e-7);
  close(prior.data[0]!, 0.25, 1e-7);
  close(prior.data[1]!, 1 - Math.sqrt(10 / 16) / Math.SQRT2, 1e-7);
  assert.equal([...prior.data], [...prior.data].reverse(), 'symmetric about the centre');
  const centre = new EvaluationWithBaselines();
  centre.add({ prediction: map(4, 4, new Array(16).fill(0)), mask: mask(4, 4, [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]) });
  close(centre.summarise().centrePrior.pixel.auc, 1);
  close(centre.summarise().centrePrior.pixel.f1, 1, 1e-9); // the four central pixels are the only ones above ½
  const corner = new EvaluationWithBaselines();
  corner.add({ prediction: map(4, 4, new Array(16).fill(0)), mask: mask(4, 4, [1, ...new Array(15).fill(0)]) });
  // the corner ties with the three other corners and is below the 12 other pixels: (3 · ½) / 15
  close(corner.summarise().centrePrior.pixel.auc, 0.1);
  // a 2×1 image: both pixel centres at u = ±½, v = 0 → 1 − ½/√2
  close(centrePrior(mask(2, 1, [0, 0])).data[0]!, 1 - 0.5 / Math.SQRT2, 1e-7);
});

test('boundary-band F1: a hand-worked row, and the band against a brute-force search on random masks', () => {
  // edge pixels 9 and 10; radius 2 → band 7..12; predicted 8..19: tp 10,11,12, fp 8,9 → 6 / (6 + 2)
  const row = mask(20, 1, [...new Array(10).fill(0), ...new Array(10).fill(1)]);
  const predicted = Float32Array.from({ length: 20 }, (_, i) => (i >= 8 ? 0.9 : 0.1));
  assert.equal([...boundaryBand(row, 2)].map((v, i) => (v ? i : -1)).filter((i) => i >= 0), [7, 8, 9, 10, 11, 12]);
  close(boundaryF1(predicted, row, 0.5, 2), 0.75);
  assert.is(boundaryF1(predicted, mask(4, 1, [1, 1, 1, 1]), 0.5, 2), null, 'no edge: no band');
  const rng = Rng.fromSeed(8);
  for (let trial = 0; trial < 5; trial++) {
    const [w, h, r] = [rng.int(5, 23), rng.int(5, 23), rng.int(1, 4)];
    const m = mask(w, h, Array.from({ length: w * h }, () => (rng.chance(0.2) ? 1 : 0)));
    const at = (x: number, y: number) => m.data[y * w + x];
    const isEdge = (x: number, y: number) => [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dx, dy]) => x + dx! >= 0 && x + dx! < w && y + dy! >= 0 && y + dy! < h && at(x + dx!, y + dy!) !== at(x, y));
    const expected = Array.from({ length: w * h }, (_, p) => {
      const [x, y] = [p % w, Math.floor(p / w)];
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) if (isEdge(xx, yy)) return 1;
      return 0;
    });
    assert.equal([...boundaryBand(m, r)], expected, `${w}×${h}, radius ${r}`);
  }
});

test.run();
