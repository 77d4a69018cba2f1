// Per-image measures of a projection head (src/ncl/patch-measures.ts) on hand-worked patches: the
// patch AUROC of tampered against authentic patches scored by 1 − cosine to the image's mean
// authentic embedding, and the share of L_con's gap closed (1 for two antipodal points, 0 when
// every embedding is the same); contour patches are left out; too few patches give null.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_NCL_OPTIONS } from '../../src/ncl/method/options.ts';
import { PATCH_AUTHENTIC as A, PATCH_CONTOUR as C, PATCH_TAMPERED as T } from '../../src/ncl/method/patch-labels.ts';
import { headImageMeasures, median, patchAuroc } from '../../src/ncl/patch-measures.ts';
import { device } from '../helpers/setup.ts';

const rows = (...vectors: number[][]) => Float32Array.from(vectors.flat());

test('patch AUROC: tampered (0, 1) and (1, 0) against authentic (1, 0) twice: scores 1, 0 | 0, 0 → 3/4; contour ignored', () => {
  const z = rows([0, 1], [1, 0], [1, 0], [1, 0], [0, 1]);
  assert.is(patchAuroc(z, 2, [T, T, A, A, C]), 0.75);
  assert.is(patchAuroc(z, 2, [T, T, A, C, C]), null, 'one authentic patch: no mean to score against');
  assert.is(patchAuroc(z, 2, [A, A, A, C, C]), null, 'no tampered patch');
});

test('share of the gap closed: 1 for two antipodal classes, 0 for one point; per head', async () => {
  await device();
  const options = { ...DEFAULT_NCL_OPTIONS, tau: 0.5 };
  const kinds = [T, T, T, A, A, A, A, C];
  const separated = rows([-1, 0], [-1, 0], [-1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [0, 1]);
  const collapsed = rows(...new Array(8).fill([0.6, 0.8]));
  const m = await headImageMeasures({ kinds, dim: 2, rows: { t: separated, a: collapsed } }, options);
  assert.ok(Math.abs(m.t!.gapClosed! - 1) < 1e-4, `separated: ${m.t!.gapClosed}`);
  assert.ok(Math.abs(m.a!.gapClosed!) < 1e-4, `collapsed: ${m.a!.gapClosed}`);
  assert.is(m.t!.patchAuroc, 1);
  assert.is(m.a!.patchAuroc, 0.5, 'all scores tie');
  const few = await headImageMeasures({ kinds: [T, A, A], dim: 2, rows: { t: rows([1, 0], [1, 0], [0, 1]) } }, options);
  assert.is(few.t!.gapClosed, null, 'one tampered patch: no positive pair');
});

test('median of the defined values', () => {
  assert.is(median([3, null, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([null]), null);
});

test.run();
