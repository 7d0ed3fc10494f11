// The portal's route schemas (JSON Schema, checked by Fastify's Ajv; handlers typed from them through the
// json-schema-to-ts type provider). They say what shape a request has; what a person typed is checked by
// the handlers, which list every problem at once in the reader's language. A request that fails a
// schema is never answered with Fastify's JSON: the routes are declared with `attachValidation` and treat
// a value of the wrong shape (a field sent twice, a number in a JSON body) as one not filled in, which is
// how the hand-written checks have always read it.
const text = { type: 'string' } as const;

/** `/nhiem-vu/:token`. */
export const tokenParams = {
  type: 'object',
  properties: { token: text },
  required: ['token'],
} as const;

/** `/nhiem-vu/:token/kien-nghi/:number`. */
export const recommendationParams = {
  type: 'object',
  properties: { token: text, number: text },
  required: ['token', 'number'],
} as const;

/** Any portal page: `?lang=en` (read by the language decorator, src/web/language.ts). */
export const langQuery = {
  type: 'object',
  properties: { lang: text },
} as const;

/** The task page after a form: the receipt, the extension asked for, the recommendation reported. */
export const taskPageQuery = {
  type: 'object',
  properties: { lang: text, receipt: text, pending: text, extension: text, reported: text },
} as const;

/** The extension request form (urlencoded). */
export const extensionBody = {
  type: 'object',
  properties: { until: text, reason: text, requestedBy: text, key: text },
} as const;

/**
 * The string fields of a body or query that failed its schema (the others: not filled in). `value` is what
 * the request carried, before any schema.
 */
export function stringFields(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}
