// The reader's language on every request: `request.lang` ("vi" unless `?lang=en`) and `request.text`,
// the portal's words in it. Getters on the root instance, so every plugin (portal, dashboard) and every
// handler (error and not-found handlers included, whenever they run) reads the same answer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pickLang, TEXT, type Lang } from './i18n';

export type PortalText = (typeof TEXT)[Lang];

declare module 'fastify' {
  interface FastifyRequest {
    /** The reader's language, from `?lang=` (Vietnamese unless "en"). */
    readonly lang: Lang;
    /** The portal's words in the reader's language. */
    readonly text: PortalText;
  }
}

export function decorateLanguage(app: FastifyInstance): void {
  app.decorateRequest('lang', {
    getter(this: FastifyRequest): Lang {
      return pickLang(this.query);
    },
  });
  app.decorateRequest('text', {
    getter(this: FastifyRequest): PortalText {
      return TEXT[this.lang];
    },
  });
}
