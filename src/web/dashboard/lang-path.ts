// Dashboard addresses in the page's language. Pure.
import type { Lang } from '../i18n';

/** `path` in the page's language: "?lang=en" added for English (Vietnamese is the default). */
export function withLang(path: string, lang: Lang): string {
  if (lang !== 'en') return path;
  const [base, hash] = path.split('#');
  return `${base}${base!.includes('?') ? '&' : '?'}lang=en${hash !== undefined ? `#${hash}` : ''}`;
}
