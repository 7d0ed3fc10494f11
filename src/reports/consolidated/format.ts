// Numbers as a Vietnamese or English reader writes them: "1.234,5" and "86,6%" in Vietnamese (thousands
// dot, decimal comma), "1,234.5" and "86.6%" in English. Pure; no dependence on the runtime's ICU data.
import type { ReportLang } from '../labels';

const SEPARATORS: Record<ReportLang, { thousands: string; decimal: string }> = {
  vi: { thousands: '.', decimal: ',' },
  en: { thousands: ',', decimal: '.' },
};

/** `value` rounded to `decimals` places (half away from zero), grouped by thousands. */
export function formatNumber(value: number, lang: ReportLang, decimals = 0): string {
  const { thousands, decimal } = SEPARATORS[lang];
  const factor = 10 ** decimals;
  const rounded = Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9);
  const negative = rounded < 0;
  const digits = String(Math.abs(rounded)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return `${negative ? '-' : ''}${grouped}${decimals > 0 ? decimal + fraction : ''}`;
}

/** A number as given (integers without decimals, others with at most `maxDecimals`, trailing zeros cut). */
export function formatFigure(value: number, lang: ReportLang, maxDecimals = 2): string {
  if (Number.isInteger(value)) return formatNumber(value, lang);
  const text = formatNumber(value, lang, maxDecimals);
  const { decimal } = SEPARATORS[lang];
  return text.includes(decimal) ? text.replace(/0+$/, '').replace(new RegExp(`\\${decimal}$`), '') : text;
}

/** A rate in [0, 1] as a percentage with one decimal: "86,6%"; "–" when there is no rate. */
export function formatPercent(rate: number | null, lang: ReportLang): string {
  return rate === null ? '–' : `${formatNumber(rate * 100, lang, 1)}%`;
}

/** Percentage points between two rates, rounded to one decimal (the figure the text shows). */
export function percentagePoints(current: number, previous: number): number {
  return Math.round((current - previous) * 1000) / 10;
}

/** "tăng 4,1 điểm phần trăm" / "up 4.1 percentage points"; "không thay đổi" / "unchanged". */
export function formatDelta(points: number, lang: ReportLang): string {
  const size = formatNumber(Math.abs(points), lang, 1);
  if (lang === 'vi') {
    if (points === 0) return 'không thay đổi';
    return `${points > 0 ? 'tăng' : 'giảm'} ${size} điểm phần trăm`;
  }
  if (points === 0) return 'unchanged';
  return `${points > 0 ? 'up' : 'down'} ${size} percentage point${size === '1.0' ? '' : 's'}`;
}

/** A signed number of percentage points for a table cell: "+4,1", "-2,0", "0,0". */
export function formatSignedPoints(points: number | null, lang: ReportLang): string {
  if (points === null) return '–';
  const size = formatNumber(Math.abs(points), lang, 1);
  return points > 0 ? `+${size}` : points < 0 ? `-${size}` : size;
}

/** A signed count for a table cell: "+3", "-1", "0". */
export function formatSignedCount(delta: number, lang: ReportLang): string {
  const size = formatNumber(Math.abs(delta), lang);
  return delta > 0 ? `+${size}` : delta < 0 ? `-${size}` : size;
}

/** "dd/mm/yyyy" of a civil date "yyyy-mm-dd". */
export function formatCivilDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}
