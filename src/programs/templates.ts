// Email templates in LiquidJS: compile checks and variable analysis (used when a program is loaded),
// and rendering to subject, plain text and simple HTML (used by the notify activity).
//
// LiquidJS is a sandboxed language (no JavaScript evaluation), so templates written by program
// administrators cannot run code; it has static analysis of the variables a template uses, which the
// loader uses to reject undocumented variables; its filters (`upcase`, `default`...) are documented.
import { Liquid, type Template } from 'liquidjs';
import {
  TEMPLATE_VARIABLES,
  isTemplateVariable,
  type TemplateValues,
  type TemplateVariableName,
} from './template-variables';
import type { Language, TemplateDefinition } from './types';

const engine = new Liquid({
  strictFilters: true, // an unknown filter is a compile error
  strictVariables: true, // a variable missing at render time is an error, not a blank in an official letter
  lenientIf: true, // ...except in `{% if x %}` and `| default`, for optional values
  ownPropertyOnly: true,
  templates: {}, // no partials: `include` and `render` find nothing, and nothing is read from disk
  cache: false,
});

const parsed = new Map<string, Template[]>();

function parse(source: string): Template[] {
  let templates = parsed.get(source);
  if (!templates) {
    templates = engine.parse(source);
    if (parsed.size > 500) parsed.clear();
    parsed.set(source, templates);
  }
  return templates;
}

export interface TemplateAnalysis {
  /** Documented variables the text uses. */
  variables: TemplateVariableName[];
  /** Variables the text uses that are not documented. */
  unknown: string[];
}

/** Compiles one template text and lists the variables it uses; throws the LiquidJS error if it does not compile. */
export function analyzeTemplateText(source: string): TemplateAnalysis {
  const names = engine.globalVariablesSync(parse(source));
  const variables: TemplateVariableName[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    if (isTemplateVariable(name)) variables.push(name);
    else unknown.push(name);
  }
  return { variables, unknown };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Prints an ISO date (YYYY-MM-DD) the way each language writes dates in letters. */
export function formatDate(iso: string, lang: Language): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`Expected a date written YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const [, year, month, day] = match as unknown as [string, string, string, string];
  if (lang === 'vi') return `${day}/${month}/${year}`;
  return `${Number(day)} ${MONTHS_EN[Number(month) - 1]} ${year}`;
}

function scopeFor(values: TemplateValues, lang: Language): Record<string, string | number> {
  const scope: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!isTemplateVariable(name)) throw new Error(`Unknown template variable "${name}"`);
    scope[name] = TEMPLATE_VARIABLES[name].kind === 'date' ? formatDate(String(value), lang) : value;
  }
  return scope;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (url) => {
    const trailing = /[.,;:!?)]+$/.exec(url)?.[0] ?? '';
    const href = url.slice(0, url.length - trailing.length);
    return `<a href="${href}">${href}</a>${trailing}`;
  });
}

function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text to a small, self-contained HTML document: everything escaped, blank lines → paragraphs. */
export function textToHtml(text: string, title: string, lang: Language): string {
  const paragraphs = text.split(/\n{2,}/).map(
    (p) =>
      `<p>${p
        .split('\n')
        .map((line) => linkify(escapeHtml(line)))
        .join('<br>\n')}</p>`,
  );
  return (
    `<!DOCTYPE html>\n<html lang="${lang}">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.5;">\n` +
    `${paragraphs.join('\n')}\n</body>\n</html>\n`
  );
}

/**
 * Renders a template in one language. Dates are given as ISO dates and printed per language; every
 * variable the template uses must be given (an error otherwise), except inside `{% if %}` and `default`.
 */
export function renderTemplate(
  template: TemplateDefinition,
  lang: Language,
  values: TemplateValues,
): RenderedEmail {
  const scope = scopeFor(values, lang);
  const subject = engine.renderSync(parse(template.subject[lang]), scope).replace(/\s+/g, ' ').trim();
  const text = normalizeText(engine.renderSync(parse(template.body[lang]), scope));
  return { subject, text, html: textToHtml(text, subject, lang) };
}
