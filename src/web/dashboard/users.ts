// User management on the dashboard (administrators): the list and the add form (/nguoi-dung), one user's
// role, scope, disable/enable and reset (/nguoi-dung/:login), and the one-time link where a new or reset
// user sets their password (/kich-hoat/:token, public). The changes themselves, their checks and their audit
// events are in src/auth/user-admin.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  inviteOf,
  inviteUser,
  redeemInvite,
  resetUser,
  setAccess,
  setUserDisabled,
  UserAdminError,
  type AccessInput,
  type UserProblem,
} from '../../auth/user-admin';
import { normalizeLogin, ROLES } from '../../auth/users';
import { formatDate } from '../i18n';
import type { WebContext } from '../server';
import { administrators, publicRoute } from './access';
import { currentUser, DASHBOARD_PREFIX, LOGIN_PATH } from './auth';
import { DASH, roleLabel } from './i18n';
import { dashPage, errorPage, invalidFormPage, withLang } from './page';
import type { DashboardApp } from './routes';
import { accountKey, unlockLogins } from '../../auth/login-throttle';
import { formatDateTime } from './agency-page';
import {
  invalidPart,
  inviteParams,
  langQuery,
  setPasswordBody,
  userBody,
  userPageQuery,
  userParams,
} from './schemas';
import { USERS_WORDS, userProblemText } from './users-i18n';

const BASE = `${DASHBOARD_PREFIX}/nguoi-dung`;
type Fields = Record<string, string | undefined>;

/** The codes of a textarea: one per line (commas and spaces also separate). */
function codes(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,;]+/)
    .map((c) => c.trim())
    .filter(Boolean);
}

function accessOf(body: Fields): AccessInput {
  return {
    role: body.role ?? '',
    allPrograms: body.scope !== 'some',
    programs: codes(body.programs),
    leads: codes(body.leads),
    administrator: body.administrator === 'yes',
  };
}

/** The audit actor of an administrator's change. */
function adminActor(request: FastifyRequest): string {
  return `administrator:${currentUser(request)!.login}`;
}

/** Errors by field, worded in the page's language. */
function errorsOf(problems: UserProblem[], request: FastifyRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of problems) errors[p.field] ??= userProblemText(p, request.lang);
  return errors;
}

export function registerUserRoutes(dash: DashboardApp, ctx: WebContext): void {
  const now = () => (ctx.deps.now ?? Date.now)();
  const admins = { config: { access: administrators }, attachValidation: true };

  function roleOptions(request: FastifyRequest, selected: string) {
    return ROLES.map((r) => ({ value: r, label: roleLabel(r, request.lang), selected: r === selected }));
  }

  function scopeText(
    request: FastifyRequest,
    user: { allPrograms: boolean; scopes: { kind: string; code: string }[] },
  ): string {
    const w = USERS_WORDS[request.lang];
    if (user.allPrograms) return w.everyProgram;
    const programs = user.scopes.filter((s) => s.kind === 'program').map((s) => s.code);
    const leads = user.scopes.filter((s) => s.kind === 'lead').map((s) => s.code);
    return [
      programs.length ? w.programList(programs.join(', ')) : '',
      leads.length ? w.leadList(leads.join(', ')) : '',
    ]
      .filter(Boolean)
      .join('; ');
  }

  /** The users page: the list and the add form (with its values and errors after a refused add). */
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: Fields = {},
    errors: Record<string, string> = {},
  ) {
    const lang = request.lang;
    const w = USERS_WORDS[lang];
    const users = await ctx.deps.db.prisma.user.findMany({
      orderBy: { login: 'asc' },
      include: { scopes: true },
    });
    return dashPage(ctx, request, reply, status, 'dashboard/users', {
      title: w.title,
      uw: w,
      users: users.map((u) => ({
        login: u.login,
        name: u.name,
        role: roleLabel(u.role, lang),
        administrator: u.administrator,
        scope: scopeText(request, u),
        disabled: u.disabled,
        lastLogin: u.lastLoginAt ? formatDate(u.lastLoginAt.toISOString().slice(0, 10)) : w.never,
        url: withLang(`${BASE}/${encodeURIComponent(u.login)}`, lang),
      })),
      form: {
        login: form.login ?? '',
        name: form.name ?? '',
        roles: roleOptions(request, form.role ?? 'viewer'),
        some: form.scope === 'some',
        programs: form.programs ?? '',
        leads: form.leads ?? '',
        administrator: form.administrator === 'yes',
      },
      errors,
      refused: Object.keys(errors).length > 0,
      action: withLang(BASE, lang),
    });
  }

  /** One user's page; `link` is a one-time link just made (shown this once). */
  async function userPage(
    request: FastifyRequest,
    reply: FastifyReply,
    rawLogin: string,
    extra: {
      status?: number;
      link?: string;
      done?: string;
      form?: Fields;
      errors?: Record<string, string>;
    } = {},
  ) {
    const lang = request.lang;
    const w = USERS_WORDS[lang];
    const login = normalizeLogin(rawLogin);
    const user = await ctx.deps.db.prisma.user.findUnique({ where: { login }, include: { scopes: true } });
    if (!user) return errorPage(ctx, request, reply, 404, DASH[lang].notFound, DASH[lang].notFoundBody);
    const form = extra.form;
    const scopes = (kind: string) =>
      user.scopes
        .filter((s) => s.kind === kind)
        .map((s) => s.code)
        .join('\n');
    const base = `${BASE}/${encodeURIComponent(user.login)}`;
    if (extra.link) reply.header('cache-control', 'no-store');
    // A lock the login throttle holds on this account (too many wrong passwords), shown with its end.
    const lock = await ctx.deps.db.prisma.loginFailureCount.findUnique({ where: { key: accountKey(login) } });
    const lockedUntil =
      lock?.lockedUntil && lock.lockedUntil.getTime() > now() ? lock.lockedUntil : undefined;
    const errors = extra.errors ?? {};
    return dashPage(ctx, request, reply, extra.status ?? 200, 'dashboard/user', {
      title: `${user.name} (${user.login})`,
      uw: w,
      user: {
        login: user.login,
        name: user.name,
        disabled: user.disabled,
        scope: scopeText(request, user),
        role: roleLabel(user.role, lang),
      },
      form: {
        roles: roleOptions(request, form?.role ?? user.role),
        some: form ? form.scope === 'some' : !user.allPrograms,
        programs: form?.programs ?? scopes('program'),
        leads: form?.leads ?? scopes('lead'),
        administrator: form ? form.administrator === 'yes' : user.administrator,
      },
      errors,
      refused: Object.keys(errors).length > 0,
      link: extra.link,
      linkText: extra.link ? w.linkMade(user.login) : undefined,
      done: extra.done,
      accessAction: withLang(`${base}/quyen`, lang),
      disableAction: withLang(`${base}/${user.disabled ? 'mo-khoa' : 'khoa'}`, lang),
      resetAction: withLang(`${base}/dat-lai`, lang),
      lockedText: lockedUntil ? w.loginLocked(formatDateTime(lockedUntil)) : undefined,
      unlockAction: withLang(`${base}/mo-khoa-dang-nhap`, lang),
      backUrl: withLang(BASE, lang),
    });
  }

  function linkOf(token: string, lang: FastifyRequest['lang']): string {
    return withLang(
      `${ctx.deps.links.publicUrl.replace(/\/$/, '')}${DASHBOARD_PREFIX}/kich-hoat/${token}`,
      lang,
    );
  }

  /** Runs an administrator's change; its refusal is shown on the page, nothing changed. */
  async function refusedOr<T>(
    run: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; problems: UserProblem[] }> {
    try {
      return { ok: true, value: await run() };
    } catch (err) {
      if (err instanceof UserAdminError) return { ok: false, problems: err.problems };
      throw err;
    }
  }

  dash.get('/nguoi-dung', { ...admins, schema: { querystring: langQuery } }, async (request, reply) =>
    listPage(request, reply, 200),
  );

  dash.post(
    '/nguoi-dung',
    { ...admins, schema: { querystring: langQuery, body: userBody } },
    async (request, reply) => {
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body as Fields;
      const outcome = await refusedOr(() =>
        inviteUser(
          ctx.deps.db,
          { login: body.login ?? '', name: body.name ?? '', ...accessOf(body) },
          adminActor(request),
          now(),
        ),
      );
      if (!outcome.ok) return listPage(request, reply, 400, body, errorsOf(outcome.problems, request));
      return userPage(request, reply, outcome.value.login, {
        link: linkOf(outcome.value.token, request.lang),
      });
    },
  );

  dash.get(
    '/nguoi-dung/:login',
    { ...admins, schema: { params: userParams, querystring: userPageQuery } },
    async (request, reply) => {
      const w = USERS_WORDS[request.lang];
      const done = {
        luu: w.saved,
        khoa: w.disabledDone,
        'mo-khoa': w.enabledDone,
        'mo-khoa-dang-nhap': w.unlockedDone,
      }[String((request.query as Fields).xong ?? '')];
      return userPage(request, reply, request.params.login, { done });
    },
  );

  dash.post(
    '/nguoi-dung/:login/quyen',
    { ...admins, schema: { params: userParams, querystring: langQuery, body: userBody } },
    async (request, reply) => {
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const body = request.body as Fields;
      const outcome = await refusedOr(() =>
        setAccess(ctx.deps.db, request.params.login, accessOf(body), adminActor(request)),
      );
      if (!outcome.ok) {
        return userPage(request, reply, request.params.login, {
          status: 400,
          form: body,
          errors: errorsOf(outcome.problems, request),
        });
      }
      const url = `${BASE}/${encodeURIComponent(normalizeLogin(request.params.login))}?xong=luu`;
      return reply.redirect(withLang(url, request.lang), 303);
    },
  );

  for (const [segment, disabled] of [
    ['khoa', true],
    ['mo-khoa', false],
  ] as const) {
    dash.post(
      `/nguoi-dung/:login/${segment}`,
      { ...admins, schema: { params: userParams, querystring: langQuery } },
      async (request, reply) => {
        const outcome = await refusedOr(() =>
          setUserDisabled(ctx.deps.db, request.params.login, disabled, adminActor(request)),
        );
        if (!outcome.ok) {
          return userPage(request, reply, request.params.login, {
            status: 400,
            errors: errorsOf(outcome.problems, request),
          });
        }
        const url = `${BASE}/${encodeURIComponent(normalizeLogin(request.params.login))}?xong=${segment}`;
        return reply.redirect(withLang(url, request.lang), 303);
      },
    );
  }

  // Ends the login throttle's lock and count on the account (as `phoihop user unlock --login`), audited.
  dash.post(
    '/nguoi-dung/:login/mo-khoa-dang-nhap',
    { ...admins, schema: { params: userParams, querystring: langQuery } },
    async (request, reply) => {
      const login = normalizeLogin(request.params.login);
      const user = await ctx.deps.db.prisma.user.findUnique({ where: { login } });
      const lang = request.lang;
      if (!user) return errorPage(ctx, request, reply, 404, DASH[lang].notFound, DASH[lang].notFoundBody);
      const removed = await unlockLogins(ctx.deps.db, { login });
      await ctx.deps.db.prisma.auditEvent.create({
        data: {
          actor: adminActor(request),
          action: 'user.unlock',
          subject: `user:${login}`,
          details: { removed },
        },
      });
      return reply.redirect(
        withLang(`${BASE}/${encodeURIComponent(login)}?xong=mo-khoa-dang-nhap`, lang),
        303,
      );
    },
  );

  dash.post(
    '/nguoi-dung/:login/dat-lai',
    { ...admins, schema: { params: userParams, querystring: langQuery } },
    async (request, reply) => {
      const outcome = await refusedOr(() =>
        resetUser(ctx.deps.db, request.params.login, adminActor(request), now()),
      );
      if (!outcome.ok) {
        return userPage(request, reply, request.params.login, {
          status: 404,
          errors: errorsOf(outcome.problems, request),
        });
      }
      return userPage(request, reply, request.params.login, { link: linkOf(outcome.value, request.lang) });
    },
  );

  // The one-time link: public (the person has no password yet); the token is the credential.
  async function passwordForm(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    status: number,
    error?: string,
  ) {
    const lang = request.lang;
    const w = USERS_WORDS[lang];
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const invite = await inviteOf(ctx.deps.db, token, now());
    if (!invite) {
      return errorPage(
        ctx,
        request,
        reply,
        404,
        w.linkInvalidTitle,
        userProblemText({ field: 'user', code: 'link-invalid' }, lang),
      );
    }
    return dashPage(ctx, request, reply, status, 'dashboard/set-password', {
      title: w.setPasswordTitle,
      uw: w,
      intro: w.setPasswordIntro(invite.user.name),
      login: invite.user.login,
      error,
      action: withLang(`${DASHBOARD_PREFIX}/kich-hoat/${token}`, lang),
    });
  }

  dash.get(
    '/kich-hoat/:token',
    {
      config: { access: publicRoute },
      schema: { params: inviteParams, querystring: langQuery },
      attachValidation: true,
    },
    async (request, reply) => passwordForm(request, reply, request.params.token, 200),
  );

  dash.post(
    '/kich-hoat/:token',
    {
      config: { access: publicRoute },
      schema: { params: inviteParams, querystring: langQuery, body: setPasswordBody },
      attachValidation: true,
    },
    async (request, reply) => {
      if (invalidPart(request) === 'body') return invalidFormPage(ctx, request, reply);
      const lang = request.lang;
      const w = USERS_WORDS[lang];
      const { token } = request.params;
      const body = request.body as Fields;
      if ((body.password ?? '') !== (body.repeat ?? '')) {
        return passwordForm(request, reply, token, 400, w.passwordsDiffer);
      }
      const outcome = await refusedOr(() => redeemInvite(ctx.deps.db, token, body.password ?? '', now()));
      if (!outcome.ok) {
        const [problem] = outcome.problems;
        if (problem?.code === 'link-invalid') return passwordForm(request, reply, token, 404);
        return passwordForm(request, reply, token, 400, problem ? userProblemText(problem, lang) : undefined);
      }
      const query = new URLSearchParams({ ...(lang === 'en' ? { lang } : {}), mk: '1' });
      return reply.redirect(`${LOGIN_PATH}?${query.toString()}`, 303);
    },
  );
}
