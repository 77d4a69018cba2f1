// Groups of a dataset's images for per-group tables (ncl eval --groups FILE): a CSV with a header
// row, one row per image, its first column (or the one named `file` or `image`) the image's path
// relative to the dataset's folder (or its bare file name), the other columns its groups (a real
// set's manifest: source, kind, …). Columns with 2 to 20 distinct values are tabulated by default.
// A set written by `ncl synth` carries its groups in its meta.json: each image's source photo and
// manipulation (`synthGroups`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';

export interface GroupTable {
  file: string;
  /** The group columns, in the file's order. */
  columns: string[];
  /** Image key (relative path, and bare file name) → its groups. */
  byImage: Map<string, Record<string, string>>;
}

/** Fields of CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

export async function readGroups(file: string): Promise<GroupTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the groups file ${file}: ${(e as Error).message}`);
  }
  const [header, ...rows] = parseCsv(text);
  if (!header || header.length < 2) throw new Error(`${file}: expected a header row naming the image column and at least one group column`);
  const keyColumn = Math.max(0, header.findIndex((h) => h === 'file' || h === 'image'));
  const columns = header.filter((_, i) => i !== keyColumn);
  const byImage = new Map<string, Record<string, string>>();
  rows.forEach((row, r) => {
    if (row.length !== header.length) throw new Error(`${file} line ${r + 2}: ${row.length} fields, the header has ${header.length}`);
    const groups = Object.fromEntries(header.map((h, i) => [h, row[i]!] as const).filter((_, i) => i !== keyColumn));
    const key = row[keyColumn]!.replace(/\\/g, '/');
    byImage.set(key, groups);
    if (!byImage.has(basename(key))) byImage.set(basename(key), groups);
  });
  return { file, columns, byImage };
}

/** The groups of an image of a dataset rooted at `root` (null when the file lists it under neither key). */
export function groupsOf(table: GroupTable, root: string, imagePath: string): Record<string, string> | null {
  return table.byImage.get(relative(root, imagePath).replace(/\\/g, '/')) ?? table.byImage.get(basename(imagePath)) ?? null;
}

/** The columns worth a table: those asked for, or those with 2 to 20 distinct values. */
export function tableColumns(table: GroupTable, asked?: string[]): string[] {
  if (asked) {
    for (const c of asked) if (!table.columns.includes(c)) throw new Error(`--group-by ${c}: ${table.file} has no such column (it has ${table.columns.join(', ')})`);
    return asked;
  }
  return table.columns.filter((c) => {
    const values = new Set([...table.byImage.values()].map((g) => g[c]));
    return values.size >= 2 && values.size <= 20;
  });
}

/** The groups of a set written by `ncl synth` (photo, kind), from the meta.json beside its lists; null for another dataset.
 *  For one split's list (train.json, val.json, test.json) only that split's images count, so its
 *  photos are tabulated although the three splits together hold more than 20. */
export async function synthGroups(listSource: string): Promise<GroupTable | null> {
  const meta = join(dirname(listSource), 'meta.json');
  if (!existsSync(meta)) return null;
  try {
    const parsed = JSON.parse(await readFile(meta, 'utf8')) as { generator?: string; records?: Array<{ image: string; split: string; photo: string; kind: string }> };
    if (parsed.generator !== 'ncl synth' || !parsed.records) return null;
    const split = basename(listSource, '.json');
    const records = parsed.records.some((r) => r.split === split) ? parsed.records.filter((r) => r.split === split) : parsed.records;
    return { file: meta, columns: ['photo', 'kind'], byImage: new Map(records.map((r) => [r.image, { photo: r.photo, kind: r.kind }])) };
  } catch {
    return null;
  }
}
