// A config file (--config): JSON holding any subset of a TrainConfig's fields, checked field by
// field so a misspelt one is named with the closest known field. Node only.
import { readFileSync } from 'node:fs';
import { PRESETS } from '../method/model/config.ts';
import { DEFAULT_NCL_OPTIONS } from '../method/options.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfigLayer } from './config.ts';

export function readConfigFile(path: string): TrainConfigLayer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as Error).message}`);
  }
  checkFields(path, '', parsed, Object.keys(DEFAULT_TRAIN_CONFIG));
  const layer = parsed as Record<string, unknown>;
  if ('ncl' in layer) checkFields(path, 'ncl.', layer.ncl, Object.keys(DEFAULT_NCL_OPTIONS));
  if ('model' in layer) checkFields(path, 'model.', layer.model, Object.keys(PRESETS.tiny));
  return parsed as TrainConfigLayer;
}

/** Throws on a value that is not an object or has a field not in `known`, naming the closest one. */
function checkFields(path: string, prefix: string, value: unknown, known: string[]): void {
  const what = prefix ? `'${prefix.slice(0, -1)}'` : 'the config';
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`config ${path}: ${what} must be a JSON object`);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const closest = known.reduce((best, k) => (editDistance(key, k) < editDistance(key, best) ? k : best));
    throw new Error(`config ${path}: unknown field ${prefix}${key}${editDistance(key, closest) <= 3 ? ` (did you mean ${prefix}${closest}?)` : ''}; the fields of ${what} are ${known.join(', ')}`);
  }
}

/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length]!;
}
