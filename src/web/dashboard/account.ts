// The signed-in user's own page (/quan-ly/tai-khoan): who they are, their role and scope, the sessions they
// have open elsewhere, and a button that ends those (a phone left logged in, a shared computer). Audited.
import { endOtherSessions, otherSessionCount, SESSION_COOKIE } from '../../auth/sessions';
import type { WebContext } from '../server';
import { signedIn } from './access';
import { currentUser, DASHBOARD_PREFIX } from './auth';
import { DASH, roleLabel } from './i18n';
import { dashPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { langQuery } from './schemas';

export const ACCOUNT_PATH = `${DASHBOARD_PREFIX}/tai-khoan`;

export function registerAccountRoutes(dash: DashboardApp, ctx: WebContext): void {
  const access = { config: { access: signedIn }, attachValidation: true };

  dash.get(
    '/tai-khoan',
    {
      ...access,
      schema: {
        querystring: { type: 'object', properties: { lang: { type: 'string' }, xong: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const lang = request.lang;
      const w = DASH[lang];
      const user = currentUser(request)!;
      const others = await otherSessionCount(ctx.deps.db, user.id, request.cookies[SESSION_COOKIE] ?? '');
      const xong = (request.query as { xong?: string }).xong;
      return dashPage(ctx, request, reply, 200, 'dashboard/account', {
        title: w.account,
        me: { name: user.name, login: user.login, role: roleLabel(user.role, lang) },
        othersText: w.otherSessions(others),
        canEnd: others > 0,
        done: xong !== undefined && /^\d{1,6}$/.test(xong) ? w.endedOthers(Number(xong)) : undefined,
        endAction: withLang(`${ACCOUNT_PATH}/phien-khac`, lang),
      });
    },
  );

  dash.post(
    '/tai-khoan/phien-khac',
    { ...access, schema: { querystring: langQuery } },
    async (request, reply) => {
      const user = currentUser(request)!;
      const ended = await endOtherSessions(ctx.deps.db, user.id, request.cookies[SESSION_COOKIE] ?? '');
      await ctx.deps.db.prisma.auditEvent.create({
        data: {
          actor: `${user.role}:${user.login}`,
          action: 'user.end-other-sessions',
          subject: `user:${user.login}`,
          details: { ended },
        },
      });
      return reply.redirect(withLang(`${ACCOUNT_PATH}?xong=${ended}`, request.lang), 303);
    },
  );
}
