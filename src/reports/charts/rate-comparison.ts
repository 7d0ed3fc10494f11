// The on-time rate per agency group this year against the previous year: two horizontal bars per group
// on a 0–100 % scale, this year's dark, the previous year's light; a rate nobody owed reads "no data".
// Pure: data in, SVG string out.
import { clip, num, svgElement, text, type Chart } from './svg';

export interface RateComparisonData {
  /** Width of the drawing in px (default 640); the text keeps its size, so narrower reads larger when scaled. */
  width?: number;
  id: string;
  title: string;
  currentLabel: string;
  /** Null when there is no previous year's cycle: only this year's bars are drawn. */
  previousLabel: string | null;
  /** Rates from 0 to 1, null when nothing was owed. */
  bars: { label: string; current: number | null; previous: number | null }[];
  words: { category: string; noData: string; formatRate: (rate: number | null) => string };
}

/** The drawing's width when the data names none (the reports'); the dashboard draws narrower for phones. */
const DEFAULT_WIDTH = 640;
const PAD = { left: 12, right: 64, top: 12 };
const BAR = 14;
const CURRENT = '#1f3b5a';
const PREVIOUS = '#9fb3c8';

export function rateComparisonChart(data: RateComparisonData): Chart {
  const WIDTH = data.width ?? DEFAULT_WIDTH;
  const w = data.words;
  const withPrevious = data.previousLabel !== null;
  const row = withPrevious ? 58 : 42;
  const plotW = WIDTH - PAD.left - PAD.right;
  const height = PAD.top + data.bars.length * row + 46;
  const parts: string[] = [];
  // The scale: 0, 50 and 100 %.
  const scaleTop = PAD.top + 18;
  const scaleBottom = PAD.top + data.bars.length * row;
  for (const p of [0, 0.5, 1]) {
    const x = PAD.left + p * plotW;
    parts.push(
      `<line x1="${num(x)}" x2="${num(x)}" y1="${scaleTop}" y2="${scaleBottom}" stroke="#d5dbe1" stroke-width="1"/>`,
      text(x, scaleBottom + 13, `${p * 100}%`, {
        'text-anchor': p === 0 ? 'start' : p === 1 ? 'end' : 'middle',
        fill: '#3b4650',
        'font-size': 11,
      }),
    );
  }
  const drawBar = (y: number, rate: number | null, colour: string, which: string, index: number) => {
    if (rate === null) {
      parts.push(
        text(PAD.left + 4, y + BAR - 3, w.noData, {
          fill: '#5a6570',
          'font-size': 11,
          'font-style': 'italic',
        }),
      );
      return;
    }
    const width = Math.max(0, Math.min(1, rate)) * plotW;
    parts.push(
      `<rect x="${PAD.left}" y="${y}" width="${num(width)}" height="${BAR}" fill="${colour}" data-bar="${index}" data-which="${which}" data-rate="${num(rate * 100)}"/>`,
      text(PAD.left + width + 5, y + BAR - 3, w.formatRate(rate), { fill: '#1d2733', 'font-size': 11 }),
    );
  };
  data.bars.forEach((bar, i) => {
    const top = PAD.top + i * row;
    parts.push(text(PAD.left, top + 13, clip(bar.label, 80), { fill: '#1d2733' }));
    drawBar(top + 19, bar.current, CURRENT, 'current', i);
    if (withPrevious) drawBar(top + 19 + BAR + 3, bar.previous, PREVIOUS, 'previous', i);
  });
  const legendY = height - 8;
  parts.push(
    `<rect x="${PAD.left}" y="${legendY - 10}" width="12" height="12" fill="${CURRENT}"/>`,
    text(PAD.left + 16, legendY, data.currentLabel, { fill: '#1d2733', 'font-size': 12 }),
  );
  if (data.previousLabel)
    parts.push(
      `<rect x="${PAD.left + 160}" y="${legendY - 10}" width="12" height="12" fill="${PREVIOUS}"/>`,
      text(PAD.left + 176, legendY, data.previousLabel, { fill: '#1d2733', 'font-size': 12 }),
    );

  const described = data.bars.map((bar) => {
    const now = `${data.currentLabel} ${w.formatRate(bar.current)}`;
    return withPrevious
      ? `${bar.label}: ${now}, ${data.previousLabel} ${w.formatRate(bar.previous)}`
      : `${bar.label}: ${now}`;
  });
  const alt = `${data.title}. ${described.join('; ')}.`;
  return {
    svg: svgElement(data.id, WIDTH, height, data.title, alt, parts.join('')),
    alt,
    title: data.title,
    width: WIDTH,
    height,
    table: {
      headers: [w.category, data.currentLabel, ...(data.previousLabel ? [data.previousLabel] : [])],
      rows: data.bars.map((bar) => [
        bar.label,
        w.formatRate(bar.current),
        ...(withPrevious ? [w.formatRate(bar.previous)] : []),
      ]),
    },
  };
}
