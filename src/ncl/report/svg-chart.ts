// A small line chart as inline SVG: one polyline per series over a shared x axis, y from 0 (or the
// minimum, if negative) to the maximum, with ticks and gridlines on both axes and a legend; a
// series with `markers` (e.g. evaluations every few steps) is drawn as dots on its line.
import { maxOf, minOf } from '../../common/extent.ts';

export interface Series {
  name: string;
  points: Array<[number, number]>;
  markers?: boolean;
}

/** About five round values covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function lineChart(title: string, series: Series[], xLabel = 'step', width = 640, height = 260): string {
  const points = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (points.length === 0) return `<p>${escape(title)}: no data</p>`;
  const [x0, x1] = [minOf(points.map(([x]) => x)), maxOf(points.map(([x]) => x))];
  const [y0, y1] = [Math.min(0, minOf(points.map(([, y]) => y))), maxOf(points.map(([, y]) => y))];
  const pad = { left: 56, right: 12, top: 24, bottom: 30 };
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const colour = (i: number) => COLOURS[i % COLOURS.length];
  const lines = series.flatMap((s, i) => {
    const shown = s.points.filter(([, y]) => Number.isFinite(y));
    const d = shown.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const dots = s.markers ? shown.map(([x, y]) => `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour(i)}"/>`) : [];
    return [`<polyline fill="none" stroke="${colour(i)}" stroke-width="1.5" points="${d}"/>`, ...dots];
  });
  const legend = series.map((s, i) => `<text x="${pad.left + 8 + i * 110}" y="16" fill="${colour(i)}" font-size="12">${escape(s.name)}</text>`);
  const grid = [
    ...ticks(y0, y1).map((v) => `<line x1="${pad.left}" y1="${sy(v).toFixed(1)}" x2="${width - pad.right}" y2="${sy(v).toFixed(1)}" stroke="#e4e4e4"/><text x="${pad.left - 6}" y="${(sy(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${label(v)}</text>`),
    ...ticks(x0, x1).map((v) => `<line x1="${sx(v).toFixed(1)}" y1="${pad.top}" x2="${sx(v).toFixed(1)}" y2="${height - pad.bottom}" stroke="#e4e4e4"/><text x="${sx(v).toFixed(1)}" y="${height - 10}" font-size="11" text-anchor="middle">${label(v)}</text>`),
  ];
  const axes = [
    `<line x1="${pad.left}" y1="${sy(y0)}" x2="${width - pad.right}" y2="${sy(y0)}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<text x="${width - pad.right}" y="${height - 10}" font-size="11" text-anchor="end" dy="-12">${escape(xLabel)}</text>`,
  ];
  return `<figure><figcaption>${escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${[...grid, ...axes, ...lines, ...legend].join('')}</svg></figure>`;
}
