/** The languages of every page, email and CLI text: Vietnamese first. */
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];
