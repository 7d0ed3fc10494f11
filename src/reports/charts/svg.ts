// The pieces every chart is drawn with: escaping, number formatting for coordinates, the <svg> element
// with its text alternative (<title> and <desc>, named by aria-labelledby), and a table of the numbers.
// Pure. The charts use presentation attributes only (no style attribute, no script): the dashboard's CSP
// allows neither inline script nor anything loaded, and resvg draws the same markup to PNG for the reports.

/** Text or an attribute value made safe inside SVG (and HTML): & < > " ' escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with at most one decimal ("12.5", "40"). */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The font the charts name; the PNG renderer maps it to the report's font (png.ts). */
export const CHART_FONT = 'sans-serif';

/** The numbers of a chart as a table: what the page shows beside the picture. */
export interface ChartTable {
  headers: string[];
  rows: string[][];
}

/** A drawn chart: the SVG markup, its text alternative, its size, and its numbers. */
export interface Chart {
  svg: string;
  /** The text alternative: the chart's title and what it shows, in words and numbers. */
  alt: string;
  title: string;
  width: number;
  height: number;
  table: ChartTable;
}

/**
 * The <svg> element around a chart's body: role="img" labelled by its <title> and <desc>, a white
 * background (the PNG has no page behind it). `id` must be unique on the page (several charts on one).
 */
export function svgElement(
  id: string,
  width: number,
  height: number,
  title: string,
  description: string,
  body: string,
): string {
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, '-');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${safeId}-t ${safeId}-d" ` +
    `font-family="${CHART_FONT}" font-size="13">` +
    `<title id="${safeId}-t">${escapeXml(title)}</title>` +
    `<desc id="${safeId}-d">${escapeXml(description)}</desc>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    body +
    `</svg>`
  );
}

/** A <text> element (content escaped). */
export function text(
  x: number,
  y: number,
  content: string,
  attrs: Record<string, string | number> = {},
): string {
  const extra = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  return `<text x="${num(x)}" y="${num(y)}"${extra}>${escapeXml(content)}</text>`;
}

/** Shortens a label to `max` characters with an ellipsis (the full text stays in the table and alt). */
export function clip(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
