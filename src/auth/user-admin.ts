// Users managed by an administrator on the dashboard (src/web/dashboard/users.ts): add with a one-time
// link, reset (a new link), disable, enable, change role and scope. Every change is an AuditEvent
// (actor "administrator:<login>", subject "user:<login>"). The first administrator comes from the CLI
// (`phoihop user add … --administrator`). Refusals are codes (UserProblem) that the page words from its
// catalog; nothing is changed when there is one.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/client';
import { hashPassword, passwordProblem } from './password';
import { isRole, loginProblem, normalizeLogin, type Role } from './users';

/** How long a one-time link works. */
export const INVITE_MS = 72 * 3600_000;
/** Stored instead of a hash while a user has not set a password: no password matches it. */
const NO_PASSWORD = 'no-password-yet';
/** Program and agency codes in a scope (the program files' and the directory's forms). */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type UserProblem =
  | { field: 'login'; code: 'bad-login' | 'login-taken' }
  | { field: 'name'; code: 'name-required' | 'name-too-long' }
  | { field: 'role'; code: 'bad-role' }
  | { field: 'scope'; code: 'scope-empty' | 'bad-code'; value?: string }
  | { field: 'password'; code: 'bad-password'; message: string }
  | { field: 'user'; code: 'no-such-user' | 'not-yourself' | 'link-invalid' };

export class UserAdminError extends Error {
  override name = 'UserAdminError';
  constructor(readonly problems: UserProblem[]) {
    super(problems.map((p) => p.code).join(', '));
  }
}

export interface AccessInput {
  role: string;
  /** The role on every program; otherwise on `programs` and the programs `leads` lead. */
  allPrograms: boolean;
  programs: string[];
  leads: string[];
  administrator: boolean;
}

function accessProblems(input: AccessInput): UserProblem[] {
  const problems: UserProblem[] = [];
  if (!isRole(input.role)) problems.push({ field: 'role', code: 'bad-role' });
  if (!input.allPrograms) {
    if (input.programs.length + input.leads.length === 0)
      problems.push({ field: 'scope', code: 'scope-empty' });
    for (const code of [...input.programs, ...input.leads]) {
      if (!CODE.test(code)) problems.push({ field: 'scope', code: 'bad-code', value: code });
    }
  }
  return problems;
}

/** The UserScope rows of an access input (none for all programs). */
function scopeRows(input: AccessInput): { kind: 'program' | 'lead'; code: string }[] {
  if (input.allPrograms) return [];
  return [
    ...[...new Set(input.programs)].map((code) => ({ kind: 'program' as const, code })),
    ...[...new Set(input.leads)].map((code) => ({ kind: 'lead' as const, code })),
  ];
}

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function newInvite(db: Database, userId: number, actor: string, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.prisma.userInvite.create({
    data: {
      id: tokenId(token),
      userId,
      createdBy: actor,
      createdAt: new Date(now),
      expiresAt: new Date(now + INVITE_MS),
    },
  });
  return token;
}

async function audit(
  db: Database,
  actor: string,
  action: string,
  login: string,
  details: object,
): Promise<void> {
  await db.prisma.auditEvent.create({ data: { actor, action, subject: `user:${login}`, details } });
}

async function existing(db: Database, login: string) {
  const user = await db.prisma.user.findUnique({ where: { login: normalizeLogin(login) } });
  if (!user) throw new UserAdminError([{ field: 'user', code: 'no-such-user' }]);
  return user;
}

/** Adds a user who sets their own password through the returned one-time link's token. */
export async function inviteUser(
  db: Database,
  input: { login: string; name: string } & AccessInput,
  actor: string,
  now: number,
): Promise<{ login: string; token: string }> {
  const login = normalizeLogin(input.login);
  const name = input.name.trim();
  const problems: UserProblem[] = [];
  if (loginProblem(login)) problems.push({ field: 'login', code: 'bad-login' });
  if (!name) problems.push({ field: 'name', code: 'name-required' });
  else if (name.length > 200) problems.push({ field: 'name', code: 'name-too-long' });
  problems.push(...accessProblems(input));
  if (problems.length === 0 && (await db.prisma.user.findUnique({ where: { login } }))) {
    problems.push({ field: 'login', code: 'login-taken' });
  }
  if (problems.length > 0) throw new UserAdminError(problems);
  const user = await db.prisma.user.create({
    data: {
      login,
      name,
      role: input.role as Role,
      passwordHash: NO_PASSWORD,
      allPrograms: input.allPrograms,
      administrator: input.administrator,
      scopes: { create: scopeRows(input) },
    },
  });
  const token = await newInvite(db, user.id, actor, now);
  await audit(db, actor, 'user.add', login, {
    role: input.role,
    allPrograms: input.allPrograms,
    scopes: scopeRows(input),
    administrator: input.administrator,
  });
  return { login, token };
}

/** Changes a user's role, scope and administrator flag (takes effect at their next request). */
export async function setAccess(
  db: Database,
  rawLogin: string,
  input: AccessInput,
  actor: string,
): Promise<void> {
  const user = await existing(db, rawLogin);
  const problems = accessProblems(input);
  if (actor === `administrator:${user.login}` && !input.administrator) {
    problems.push({ field: 'user', code: 'not-yourself' });
  }
  if (problems.length > 0) throw new UserAdminError(problems);
  await db.prisma.$transaction([
    db.prisma.userScope.deleteMany({ where: { userId: user.id } }),
    db.prisma.user.update({
      where: { id: user.id },
      data: {
        role: input.role as Role,
        allPrograms: input.allPrograms,
        administrator: input.administrator,
        scopes: { create: scopeRows(input) },
      },
    }),
  ]);
  await audit(db, actor, 'user.access', user.login, {
    from: { role: user.role, allPrograms: user.allPrograms, administrator: user.administrator },
    role: input.role,
    allPrograms: input.allPrograms,
    scopes: scopeRows(input),
    administrator: input.administrator,
  });
}

/** Disables (or enables) a user; their sessions end. An administrator cannot disable themself. */
export async function setUserDisabled(
  db: Database,
  rawLogin: string,
  disabled: boolean,
  actor: string,
): Promise<void> {
  const user = await existing(db, rawLogin);
  if (disabled && actor === `administrator:${user.login}`) {
    throw new UserAdminError([{ field: 'user', code: 'not-yourself' }]);
  }
  await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: user.id }, data: { disabled } }),
    db.prisma.webSession.deleteMany({ where: { userId: user.id } }),
  ]);
  await audit(db, actor, disabled ? 'user.disable' : 'user.enable', user.login, {});
}

/**
 * Resets a user: the password stops working, sessions and earlier links end, and a new one-time link's
 * token is returned.
 */
export async function resetUser(db: Database, rawLogin: string, actor: string, now: number): Promise<string> {
  const user = await existing(db, rawLogin);
  await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: NO_PASSWORD } }),
    db.prisma.webSession.deleteMany({ where: { userId: user.id } }),
    db.prisma.userInvite.deleteMany({ where: { userId: user.id } }),
  ]);
  const token = await newInvite(db, user.id, actor, now);
  await audit(db, actor, 'user.reset', user.login, {});
  return token;
}

/** The user a one-time link is for, while it is unused, unexpired and the user enabled. */
export async function inviteOf(db: Database, token: string, now: number) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const invite = await db.prisma.userInvite.findUnique({
    where: { id: tokenId(token) },
    include: { user: true },
  });
  if (!invite || invite.usedAt || invite.expiresAt.getTime() <= now || invite.user.disabled) return undefined;
  return invite;
}

/** Sets the password of a one-time link's user; the link stops working. */
export async function redeemInvite(
  db: Database,
  token: string,
  password: string,
  now: number,
): Promise<string> {
  const invite = await inviteOf(db, token, now);
  if (!invite) throw new UserAdminError([{ field: 'user', code: 'link-invalid' }]);
  const problem = passwordProblem(password);
  if (problem) throw new UserAdminError([{ field: 'password', code: 'bad-password', message: problem }]);
  const passwordHash = await hashPassword(password);
  // Claimed once: a second use of the same link (a double post) finds it used and changes nothing.
  const { count } = await db.prisma.userInvite.updateMany({
    where: { id: invite.id, usedAt: null },
    data: { usedAt: new Date(now) },
  });
  if (count !== 1) throw new UserAdminError([{ field: 'user', code: 'link-invalid' }]);
  await db.prisma.user.update({ where: { id: invite.userId }, data: { passwordHash } });
  await audit(db, `user:${invite.user.login}`, 'user.password-set', invite.user.login, {
    invitedBy: invite.createdBy,
  });
  return invite.user.login;
}
