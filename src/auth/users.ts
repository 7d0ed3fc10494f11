// Dashboard users: creation, password changes, disabling, listing. Used by the CLI (`phoihop user …`).
import type { Database } from '../db/client';
import { hashPassword, passwordProblem } from './password';

export const ROLES = ['coordinator', 'inspector', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** A refusal with its reason (nothing was changed); the CLI prints it and exits 1. */
export class UserError extends Error {
  override name = 'UserError';
}

/** Login names: lowercase letters, digits, dot, hyphen, underscore; 2 to 64 characters. */
const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}

export function loginProblem(login: string): string | undefined {
  return LOGIN.test(login)
    ? undefined
    : `"${login}" is not a valid login: use 2 to 64 lowercase letters, digits, ".", "-" or "_", starting with a letter or digit`;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export interface UserSummary {
  login: string;
  name: string;
  role: Role;
  /** Manages the dashboard's users. */
  administrator: boolean;
  /** The role holds on every program (false: only on the user's named programs and lead agencies). */
  allPrograms: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export async function addUser(
  db: Database,
  input: { login: string; name: string; role: string; password: string; administrator?: boolean },
): Promise<UserSummary> {
  const login = normalizeLogin(input.login);
  const name = input.name.trim();
  const problems = [
    loginProblem(login),
    name
      ? name.length > 200
        ? 'the name must have at most 200 characters'
        : undefined
      : 'a name is required',
    isRole(input.role) ? undefined : `"${input.role}" is not a role: expected one of ${ROLES.join(', ')}`,
    passwordProblem(input.password),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new UserError(problems.join('; '));
  if (await db.prisma.user.findUnique({ where: { login } })) {
    throw new UserError(
      `a user "${login}" already exists (change its password with \`phoihop user passwd\`)`,
    );
  }
  const user = await db.prisma.user.create({
    data: {
      login,
      name,
      role: input.role as Role,
      administrator: input.administrator ?? false,
      passwordHash: await hashPassword(input.password),
    },
  });
  return summary(user);
}

async function existing(db: Database, rawLogin: string) {
  const login = normalizeLogin(rawLogin);
  const user = await db.prisma.user.findUnique({ where: { login } });
  if (!user) throw new UserError(`there is no user "${login}" (see \`phoihop user list\`)`);
  return user;
}

/** Sets a new password and ends the user's sessions (they log in again with it). */
export async function setPassword(db: Database, rawLogin: string, password: string): Promise<UserSummary> {
  const problem = passwordProblem(password);
  if (problem) throw new UserError(problem);
  const user = await existing(db, rawLogin);
  const passwordHash = await hashPassword(password);
  const [updated] = await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: user.id }, data: { passwordHash } }),
    db.prisma.webSession.deleteMany({ where: { userId: user.id } }),
  ]);
  return summary(updated);
}

/** Makes a user an administrator (who manages users on the dashboard), or no longer one. */
export async function setAdministrator(
  db: Database,
  rawLogin: string,
  administrator: boolean,
): Promise<UserSummary> {
  const user = await existing(db, rawLogin);
  const updated = await db.prisma.user.update({ where: { id: user.id }, data: { administrator } });
  await db.prisma.auditEvent.create({
    data: {
      actor: 'cli',
      action: administrator ? 'user.administrator-grant' : 'user.administrator-revoke',
      subject: `user:${user.login}`,
    },
  });
  return summary(updated);
}

/** Disables a user (or enables one again) and ends their sessions. */
export async function setDisabled(db: Database, rawLogin: string, disabled = true): Promise<UserSummary> {
  const user = await existing(db, rawLogin);
  const [updated] = await db.prisma.$transaction([
    db.prisma.user.update({ where: { id: user.id }, data: { disabled } }),
    db.prisma.webSession.deleteMany({ where: { userId: user.id } }),
  ]);
  return summary(updated);
}

export async function listUsers(db: Database): Promise<UserSummary[]> {
  const users = await db.prisma.user.findMany({ orderBy: { login: 'asc' } });
  return users.map(summary);
}

function summary(user: {
  login: string;
  name: string;
  role: Role;
  administrator: boolean;
  allPrograms: boolean;
  disabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}): UserSummary {
  return {
    login: user.login,
    name: user.name,
    role: user.role,
    administrator: user.administrator,
    allPrograms: user.allPrograms,
    disabled: user.disabled,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}
