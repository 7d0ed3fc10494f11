// Horizontal stacked bars: one bar per category (an agency group), split into coloured segments (states or
// outcomes) in proportion to their counts, all bars on one scale (the largest total). The label stands
// above its bar so that a long group name stays readable on a phone. Pure: data in, SVG string out.
import { clip, escapeXml, num, svgElement, text, type Chart } from './svg';

export interface StackedBarsData {
  /** Width of the drawing in px (default 640); the text keeps its size, so narrower reads larger when scaled. */
  width?: number;
  id: string;
  title: string;
  /** The segments' kinds, in drawing order (left to right) and in the legend. */
  series: { key: string; label: string; colour: string }[];
  /** One per bar: its label and one count per series (same order). */
  bars: { label: string; values: number[] }[];
  words: { category: string; total: string; none: string };
}

/** The drawing's width when the data names none (the reports'); the dashboard draws narrower for phones. */
const DEFAULT_WIDTH = 640;
const PAD = { left: 12, right: 56, top: 12 };
const ROW = 46;
const BAR = 20;
const LEGEND_ROW = 20;

export function stackedBarsChart(data: StackedBarsData): Chart {
  const WIDTH = data.width ?? DEFAULT_WIDTH;
  const plotW = WIDTH - PAD.left - PAD.right;
  const max = Math.max(1, ...data.bars.map((b) => b.values.reduce((a, v) => a + v, 0)));
  // The legend: only the series that occur, three to a row.
  const present = data.series
    .map((s, i) => ({ ...s, i }))
    .filter((s) => data.bars.some((b) => (b.values[s.i] ?? 0) > 0));
  const columns = WIDTH < 500 ? 2 : 3;
  const legendRows = Math.ceil(present.length / columns);
  const height = PAD.top + data.bars.length * ROW + legendRows * LEGEND_ROW + 16;
  const parts: string[] = [];
  data.bars.forEach((bar, row) => {
    const top = PAD.top + row * ROW;
    const total = bar.values.reduce((a, v) => a + v, 0);
    parts.push(text(PAD.left, top + 14, clip(bar.label, 80), { fill: '#1d2733' }));
    let x = PAD.left;
    data.series.forEach((s, i) => {
      const value = bar.values[i] ?? 0;
      if (value <= 0) return;
      const w = (value / max) * plotW;
      parts.push(
        `<rect x="${num(x)}" y="${top + 20}" width="${num(w)}" height="${BAR}" fill="${escapeXml(s.colour)}" stroke="#ffffff" stroke-width="1" data-bar="${row}" data-series="${escapeXml(s.key)}" data-value="${value}"/>`,
      );
      if (w >= 22)
        parts.push(
          text(x + w / 2, top + 34, String(value), {
            'text-anchor': 'middle',
            fill: '#1d2733',
            'font-size': 11,
          }),
        );
      x += w;
    });
    parts.push(text(x + 6, top + 34, String(total), { fill: '#1d2733', 'font-weight': 'bold' }));
  });
  const legendTop = PAD.top + data.bars.length * ROW + 6;
  present.forEach((s, k) => {
    const lx = PAD.left + (k % columns) * (plotW / columns);
    const ly = legendTop + Math.floor(k / columns) * LEGEND_ROW;
    parts.push(
      `<rect x="${num(lx)}" y="${ly}" width="12" height="12" fill="${escapeXml(s.colour)}" stroke="#8a949e" stroke-width="0.5"/>`,
      text(lx + 16, ly + 11, clip(s.label, 26), { fill: '#1d2733', 'font-size': 12 }),
    );
  });

  const described = data.bars.map((bar) => {
    const total = bar.values.reduce((a, v) => a + v, 0);
    const parts = data.series
      .map((s, i) => ({ s, v: bar.values[i] ?? 0 }))
      .filter(({ v }) => v > 0)
      .map(({ s, v }) => `${s.label} ${v}`);
    return `${bar.label}: ${parts.length > 0 ? parts.join(', ') : data.words.none} (${data.words.total} ${total})`;
  });
  const alt = `${data.title}. ${described.join('; ')}.`;
  return {
    svg: svgElement(data.id, WIDTH, height, data.title, alt, parts.join('')),
    alt,
    title: data.title,
    width: WIDTH,
    height,
    // The series that occur (a column of zeros says nothing and makes the table wider on a phone).
    table: {
      headers: [data.words.category, ...present.map((s) => s.label), data.words.total],
      rows: data.bars.map((bar) => [
        bar.label,
        ...present.map((s) => String(bar.values[s.i] ?? 0)),
        String(bar.values.reduce((a, v) => a + v, 0)),
      ]),
    },
  };
}
