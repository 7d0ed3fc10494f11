// Submissions over time against the due date: how many of the agencies owing a milestone had submitted by
// each day (a rising step line), the due date and the escalation steps marked as vertical lines, and the
// number owed as the top of the scale. Pure: data in, SVG string out.
import { clip, escapeXml, num, svgElement, text, type Chart } from './svg';

export interface CumulativeData {
  /** Width of the drawing in px (default 640); the text keeps its size, so narrower reads larger when scaled. */
  width?: number;
  id: string;
  title: string;
  /** Agencies owing the milestone (waived and cancelled left out): the top of the scale. */
  owed: number;
  /** First and last day drawn (YYYY-MM-DD), the due date and every submission inside. */
  from: string;
  to: string;
  /** Per day with at least one submission: the day and how many had submitted by its end (cumulative). */
  points: { on: string; count: number }[];
  /** The due date and the escalation steps, each a vertical line with its label. */
  marks: { on: string; label: string; short: string; kind: 'due' | 'step' }[];
  words: {
    day: string;
    submitted: string;
    ofOwed: (count: number, owed: number) => string;
    summary: (submitted: number, owed: number, byDue: number, due: string) => string;
    formatDate: (iso: string) => string;
  };
}

/** The drawing's width when the data names none (the reports'); the dashboard draws narrower for phones. */
const DEFAULT_WIDTH = 640;
const PLOT_HEIGHT = 300;
const LEGEND_ROW = 16;
const PAD = { left: 44, right: 16, top: 34, bottom: 52 };

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

export function cumulativeChart(data: CumulativeData): Chart {
  const WIDTH = data.width ?? DEFAULT_WIDTH;
  const w = data.words;
  const first = dayNumber(data.from);
  const span = Math.max(1, dayNumber(data.to) - first);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = PLOT_HEIGHT - PAD.top - PAD.bottom;
  const HEIGHT = PLOT_HEIGHT + data.marks.length * LEGEND_ROW + 4;
  const top = Math.max(1, data.owed, ...data.points.map((p) => p.count));
  const x = (iso: string) => PAD.left + ((dayNumber(iso) - first) / span) * plotW;
  const y = (count: number) => PAD.top + plotH - (count / top) * plotH;
  const baseY = y(0);

  const parts: string[] = [];
  // Scale: 0, half and the number owed, with light grid lines.
  for (const value of [...new Set([0, Math.round(top / 2), top])]) {
    parts.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${num(y(value))}" y2="${num(y(value))}" stroke="#d5dbe1" stroke-width="1"/>`,
      text(PAD.left - 6, y(value) + 4, String(value), { 'text-anchor': 'end', fill: '#3b4650' }),
    );
  }
  // The step line: flat until a day with submissions, then up to the count at its end.
  let path = `M${num(PAD.left)} ${num(baseY)}`;
  let last = 0;
  for (const p of data.points) {
    path += ` H${num(x(p.on))} V${num(y(p.count))}`;
    last = p.count;
  }
  path += ` H${num(WIDTH - PAD.right)}`;
  parts.push(`<path d="${path}" fill="none" stroke="#1f3b5a" stroke-width="2.5"/>`);
  for (const p of data.points)
    parts.push(
      `<circle cx="${num(x(p.on))}" cy="${num(y(p.count))}" r="3.5" fill="#1f3b5a" data-on="${escapeXml(p.on)}" data-count="${p.count}"/>`,
    );
  // The due date (solid, red) and the escalation steps (dashed, orange): a short label above each line
  // (staggered, for steps close together), the full one in the legend under the chart.
  data.marks.forEach((m, i) => {
    const mx = x(m.on);
    const colour = m.kind === 'due' ? '#a40000' : '#c25e00';
    parts.push(
      `<line x1="${num(mx)}" x2="${num(mx)}" y1="${PAD.top - 4}" y2="${num(baseY)}" stroke="${colour}" stroke-width="${m.kind === 'due' ? 2 : 1.5}"${m.kind === 'step' ? ' stroke-dasharray="5 4"' : ''} data-mark="${m.kind}" data-on="${escapeXml(m.on)}"/>`,
      text(mx, PAD.top - 8 - (i % 2) * 14, clip(m.short, 12), {
        'text-anchor': 'middle',
        fill: colour,
        'font-size': 11,
        'font-weight': 'bold',
      }),
      text(PAD.left, PLOT_HEIGHT + 8 + i * LEGEND_ROW, `${m.short}: ${m.label}, ${w.formatDate(m.on)}`, {
        fill: colour,
        'font-size': 12,
      }),
    );
  });
  // The time axis: first day, due date and last day.
  const due = data.marks.find((m) => m.kind === 'due');
  parts.push(
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${num(baseY)}" y2="${num(baseY)}" stroke="#3b4650" stroke-width="1"/>`,
    text(PAD.left, baseY + 18, w.formatDate(data.from), { fill: '#3b4650', 'font-size': 11 }),
    text(WIDTH - PAD.right, baseY + 18, w.formatDate(data.to), {
      'text-anchor': 'end',
      fill: '#3b4650',
      'font-size': 11,
    }),
    text(PAD.left + plotW / 2, PLOT_HEIGHT - 10, w.ofOwed(last, data.owed), {
      'text-anchor': 'middle',
      fill: '#1d2733',
    }),
  );

  const byDue = due ? data.points.filter((p) => p.on <= due.on).reduce((n, p) => Math.max(n, p.count), 0) : 0;
  const steps = data.marks.filter((m) => m.kind === 'step').map((m) => `${m.label} ${w.formatDate(m.on)}`);
  const alt =
    `${data.title}. ${w.summary(last, data.owed, byDue, due ? w.formatDate(due.on) : '')}` +
    (steps.length > 0 ? `; ${steps.join('; ')}` : '');
  return {
    svg: svgElement(data.id, WIDTH, HEIGHT, data.title, alt, parts.join('')),
    alt,
    title: data.title,
    width: WIDTH,
    height: HEIGHT,
    table: {
      headers: [w.day, w.submitted],
      rows: data.points.map((p) => [w.formatDate(p.on), w.ofOwed(p.count, data.owed)]),
    },
  };
}
