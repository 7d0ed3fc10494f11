// ICU MessageFormat (through @messageformat/core) set up once for both languages: plurals by each
// language's CLDR rules, and the `day` formatter that writes an ISO date (YYYY-MM-DD) as dd/mm/yyyy, as
// Vietnamese official letters do and as the English pages show dates too. Messages are compiled once.
import MessageFormat, { type MessageFunction } from '@messageformat/core';
import type { Lang } from './lang';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `{due, day}`: 2027-03-15 → 15/03/2027; a value that is not an ISO date is written as it is. */
function day(value: unknown, locale: string): string {
  const text = String(value);
  const m = ISO_DATE.exec(text);
  if (!m) return text;
  let format = dayFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(DAY_LOCALE[locale as Lang] ?? locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone: 'UTC',
    });
    dayFormats.set(locale, format);
  }
  return format.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

const formats: Record<Lang, MessageFormat<'string'>> = {
  vi: new MessageFormat<'string'>('vi', { customFormatters: { day }, requireAllArguments: true }),
  en: new MessageFormat<'string'>('en', { customFormatters: { day }, requireAllArguments: true }),
};
const compiled = new Map<string, MessageFunction<'string'>>();

/** Renders an ICU message of the catalogs; throws when it is malformed or a value it uses is missing. */
export function formatMessage(lang: Lang, source: string, values: object): string {
  const key = `${lang}\u0000${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = formats[lang].compile(source);
    compiled.set(key, fn);
  }
  return fn(values as Record<string, unknown>);
}
