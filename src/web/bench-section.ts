// The page's bench section: the benches a visitor wants — the fused contrastive kernel against the
// unfused path over N, matmul, one convolution shape — run by the same code as `ncl bench` (bench/),
// with the kernel variants of the adapter's profile (no tuning in the page). The result is shown as
// a table, a chart (time or GFLOP/s over the size) and the JSON lines `ncl bench --json` prints, to
// copy and compare with a result from the command line. The peers (PyTorch, tfjs) run from the
// command line only.
import { benchContrastive } from '../../bench/contrastive.ts';
import { benchConv } from '../../bench/conv.ts';
import { benchMatmul } from '../../bench/matmul.ts';
import type { PeerOptions } from '../../bench/peers.ts';
import { lineChart, type Series } from '../ncl/report/svg-chart.ts';
import { element, textElement } from './dom.ts';

type BenchKind = 'contrastive' | 'matmul' | 'conv';
type Json = Record<string, unknown>;

/** The columns shown, in this order, where a bench's rows have them. */
const COLUMNS = ['impl', 'pass', 'n', 'd', 'shape', 'tiling', 'ms', 'gpuMs', 'hostMs', 'gflops', 'ofMatmul', 'vsUnfused', 'peakMiB', 'variant', 'error'];

/** Comma-separated positive integers, or an error naming the field. */
function sizes(text: string, field: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${field}: give positive integers separated by commas, got "${text}"`);
  return values;
}

/** Runs one bench; returns the JSON lines it printed. */
async function run(kind: BenchKind, repeat: number, ns: number[], matmulSizes: string[]): Promise<string[]> {
  const lines: string[] = [];
  const options: PeerOptions = { json: true, warmup: 1, repeat, tune: false, print: (line) => lines.push(line) };
  if (kind === 'contrastive') await benchContrastive({ ...options, ns, d: 128, maxN: false, budget: 0, tilings: false });
  else if (kind === 'matmul') await benchMatmul({ ...options, sizes: matmulSizes });
  else await benchConv({ ...options, shapes: ['a'] });
  return lines;
}

const cell = (v: unknown) => (v === undefined || v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(1) : v.toPrecision(3)) : String(v));

function showTable(rows: Json[]): void {
  const table = element<HTMLTableElement>('bench-table');
  const columns = COLUMNS.filter((c) => rows.some((r) => c in r));
  const head = table.tHead!.rows[0]!;
  head.replaceChildren(...columns.map((c) => Object.assign(textElement('th', c), { scope: 'col' })));
  const body = table.tBodies[0]!;
  body.replaceChildren();
  for (const r of rows) {
    const row = body.insertRow();
    for (const c of columns) row.append(textElement('td', cell(r[c])));
  }
  table.hidden = false;
}

/** Contrastive: ms of each implementation's fwd+bwd over N; matmul: GFLOP/s over the size. */
function chartOf(kind: BenchKind, rows: Json[]): string {
  if (kind === 'conv') return '';
  const byName = new Map<string, Series>();
  for (const r of rows) {
    if (typeof r.ms !== 'number' || (kind === 'contrastive' && r.pass !== 'fwd+bwd')) continue;
    // a fused row's tiling by its kind (8x8/64, flash), so the legend stays short
    const name = kind === 'contrastive' && r.tiling ? `${String(r.impl)} ${String(r.tiling).split(' ')[0]}` : String(r.impl);
    const series = byName.get(name) ?? { name, points: [] };
    series.points.push([Number.parseInt(String(r.n), 10), kind === 'contrastive' ? r.ms : (r.gflops as number)]);
    byName.set(name, series);
  }
  return kind === 'contrastive' ? lineChart('forward + backward, ms (lower is faster)', [...byName.values()], 'N') : lineChart('GFLOP/s (higher is faster)', [...byName.values()], 'matrix side');
}

async function runBench(kind: BenchKind, buttons: HTMLButtonElement[]): Promise<void> {
  const status = element('bench-status');
  const json = element<HTMLTextAreaElement>('bench-json');
  for (const b of buttons) b.disabled = true;
  status.className = '';
  status.textContent = `Running the ${kind} bench…`;
  try {
    const repeat = sizes(element<HTMLInputElement>('bench-repeat').value, 'timed runs')[0]!;
    const lines = await run(kind, repeat, sizes(element<HTMLInputElement>('bench-n').value, 'N'), element<HTMLInputElement>('bench-sizes').value.split(',').map((s) => s.trim()));
    const parsed = lines.map((l) => JSON.parse(l) as Json);
    const header = parsed[0]!;
    const rows = parsed.filter((p) => 'impl' in p);
    showTable(rows);
    element('bench-chart').innerHTML = chartOf(kind, rows);
    json.value = lines.join('\n');
    element('bench-json-area').hidden = false;
    const clock = (header.timing as Json | undefined)?.ms;
    const notes = parsed.filter((p) => 'note' in p).map((p) => String(p.note));
    status.textContent = `${kind}: ${rows.length} rows on ${String(header.adapter)}. Times: ${String(clock ?? header.timing)}.${notes.length ? ` ${notes.join('; ')}.` : ''}`;
  } catch (e) {
    status.textContent = `The ${kind} bench stopped: ${(e as Error).message}`;
    status.className = 'problem';
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** Offers the benches once the page has a device. */
export function enableBenches(): void {
  const buttons = (['contrastive', 'matmul', 'conv'] as const).map((kind) => {
    const button = element<HTMLButtonElement>(`bench-${kind}`);
    button.addEventListener('click', () => void runBench(kind, buttons));
    button.disabled = false;
    return button;
  });
  element<HTMLButtonElement>('bench-copy').addEventListener('click', () => {
    const text = element<HTMLTextAreaElement>('bench-json').value;
    void navigator.clipboard.writeText(text).then(
      () => (element('bench-copy-status').textContent = 'Copied.'),
      () => (element('bench-copy-status').textContent = 'The browser did not allow copying: select the text and copy it.'),
    );
  });
}
