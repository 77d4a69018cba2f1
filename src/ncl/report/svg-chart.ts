// A small line chart as inline SVG: one polyline per series over a shared x axis, y from 0 (or the
// minimum, if negative) to the maximum, with min/max labels and a legend.

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function lineChart(title: string, series: Series[], width = 640, height = 260): string {
  const points = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (points.length === 0) return `<p>${escape(title)}: no data</p>`;
  const [x0, x1] = [Math.min(...points.map(([x]) => x)), Math.max(...points.map(([x]) => x))];
  const [y0, y1] = [Math.min(0, ...points.map(([, y]) => y)), Math.max(...points.map(([, y]) => y))];
  const pad = { left: 56, right: 12, top: 24, bottom: 28 };
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const lines = series.map((s, i) => {
    const d = s.points.filter(([, y]) => Number.isFinite(y)).map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.5" points="${d}"/>`;
  });
  const legend = series.map((s, i) => `<text x="${pad.left + 8 + i * 110}" y="16" fill="${COLOURS[i % COLOURS.length]}" font-size="12">${escape(s.name)}</text>`);
  const axes = [
    `<line x1="${pad.left}" y1="${sy(y0)}" x2="${width - pad.right}" y2="${sy(y0)}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<text x="4" y="${sy(y1) + 4}" font-size="11">${y1.toPrecision(3)}</text>`,
    `<text x="4" y="${sy(y0) + 4}" font-size="11">${y0.toPrecision(3)}</text>`,
    `<text x="${pad.left}" y="${height - 8}" font-size="11">step ${x0}</text>`,
    `<text x="${width - pad.right - 60}" y="${height - 8}" font-size="11">step ${x1}</text>`,
  ];
  return `<figure><figcaption>${escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${[...axes, ...lines, ...legend].join('')}</svg></figure>`;
}
