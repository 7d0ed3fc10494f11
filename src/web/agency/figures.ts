// The figures a milestone asks for, as typed in the portal's form: parsed and checked against the
// program's definitions. Pure.
import type { Milestone } from '../../programs/types';
import type { Lang } from '../i18n';

export type FigureDefinition = Milestone['figures'][number];

/** Why a typed figure is refused. */
export type FigureProblem =
  'required' | 'not-a-number' | 'ambiguous' | 'negative' | 'not-whole' | 'over-100' | 'too-large';

/** Longest text a figure may be typed as. */
const MAX_CHARS = 30;

/**
 * A number as a person types it in Vietnam or elsewhere: "12", "12,5" (Vietnamese decimal comma),
 * "12.5", "1 234" (groups of three separated by spaces); "%" after a percentage. Anything that could be
 * read two ways is refused: "1.234" and "1,234" (thousands or decimals?), "1.234,5", "1,234.5".
 */
export function parseNumber(
  raw: string,
  percent = false,
): number | 'not-a-number' | 'ambiguous' | 'negative' {
  let text = raw.trim();
  if (percent) text = text.replace(/\s*%$/, '');
  if (text.length === 0 || text.length > MAX_CHARS) return 'not-a-number';
  if (/^[-−]\s*\d/.test(text)) return 'negative';
  // Groups of three digits separated by (non-breaking, thin) spaces: "1 234 567".
  if (/^\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$/.test(text)) text = text.replace(/[ \u00a0\u202f]/g, '');
  const m = /^(\d+)(?:([.,])(\d+))?$/.exec(text);
  if (!m) return /^[\d.,\s]*\d[\d.,\s]*$/.test(text) ? 'ambiguous' : 'not-a-number';
  const [, whole, sep, fraction] = m;
  // "1.234" / "1,234": a thousands separator or a decimal one? ("0,125" is clearly decimal.)
  if (sep && fraction!.length === 3 && !/^0+$/.test(whole!)) return 'ambiguous';
  const value = Number(sep ? `${whole}.${fraction}` : whole);
  return Number.isFinite(value) ? value : 'not-a-number';
}

/** One figure's typed value, checked against its definition; undefined when left empty (and optional). */
export function parseFigure(
  raw: string | undefined,
  def: Pick<FigureDefinition, 'type' | 'required'>,
): { value: number } | { problem: FigureProblem } | undefined {
  if (raw === undefined || raw.trim() === '') return def.required ? { problem: 'required' } : undefined;
  const parsed = parseNumber(raw, def.type === 'percent');
  if (typeof parsed === 'string') return { problem: parsed };
  if (def.type === 'integer') {
    if (!Number.isInteger(parsed)) return { problem: 'not-whole' };
    if (!Number.isSafeInteger(parsed)) return { problem: 'too-large' };
  }
  if (parsed > Number.MAX_SAFE_INTEGER) return { problem: 'too-large' };
  if (def.type === 'percent' && parsed > 100) return { problem: 'over-100' };
  return { value: parsed };
}

export interface FigureCheck {
  /** The figures to send, by key (only those given). */
  figures: Record<string, number>;
  /** Each refused figure: its label (in the page's language) and why. */
  problems: { key: string; label: string; problem: FigureProblem }[];
}

/** All the milestone's figures from the form's typed values (by figure key). */
export function checkFigures(
  definitions: readonly FigureDefinition[],
  typed: Record<string, string | undefined>,
  lang: Lang,
): FigureCheck {
  const result: FigureCheck = { figures: {}, problems: [] };
  for (const def of definitions) {
    const outcome = parseFigure(typed[def.key], def);
    if (outcome === undefined) continue;
    if ('problem' in outcome) {
      result.problems.push({ key: def.key, label: def.label[lang], problem: outcome.problem });
    } else {
      result.figures[def.key] = outcome.value;
    }
  }
  return result;
}
