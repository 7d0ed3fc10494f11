// Where a dashboard user's role holds: on every program, or on named programs and on every program a named
// lead agency leads (the User's `allPrograms` flag and its UserScope rows). The dashboard's access hook
// (src/web/dashboard/access.ts) resolves a spec to program IDs once per request; lists (cycles, inspections,
// exports) filter with `programFilter`.
import type { Database } from '../db/client';

/** A scope as stored: all programs, or the listed program codes and lead-agency codes. */
export interface UserScopeSpec {
  allPrograms: boolean;
  programs: string[];
  leads: string[];
}

export const ALL_PROGRAMS: UserScopeSpec = { allPrograms: true, programs: [], leads: [] };

/** The spec of a user row read with its `scopes`. */
export function scopeSpecOf(user: {
  allPrograms: boolean;
  scopes?: { kind: 'program' | 'lead'; code: string }[];
}): UserScopeSpec {
  const scopes = user.scopes ?? [];
  return {
    allPrograms: user.allPrograms,
    programs: scopes
      .filter((s) => s.kind === 'program')
      .map((s) => s.code)
      .sort(),
    leads: scopes
      .filter((s) => s.kind === 'lead')
      .map((s) => s.code)
      .sort(),
  };
}

/** A scope resolved against today's programs: every program, or these program IDs. */
export type ResolvedScope = { all: true } | { all: false; programIds: ReadonlySet<number> };

/** The lead agency a program version's definition names (`lead:` in the program file). */
function leadOf(definition: unknown): string | undefined {
  const lead = (definition as { lead?: unknown } | null)?.lead;
  return typeof lead === 'string' ? lead : undefined;
}

/**
 * The programs a spec covers now: those named by code, and those whose latest version names one of the
 * listed lead agencies.
 */
export async function resolveScope(db: Database, spec: UserScopeSpec): Promise<ResolvedScope> {
  if (spec.allPrograms) return { all: true };
  const ids = new Set<number>();
  if (spec.programs.length > 0) {
    const named = await db.prisma.program.findMany({
      where: { code: { in: spec.programs } },
      select: { id: true },
    });
    for (const p of named) ids.add(p.id);
  }
  if (spec.leads.length > 0) {
    const leads = new Set(spec.leads);
    const programs = await db.prisma.program.findMany({
      select: {
        id: true,
        versions: { orderBy: { version: 'desc' }, take: 1, select: { definition: true } },
      },
    });
    for (const p of programs) {
      const lead = leadOf(p.versions[0]?.definition);
      if (lead && leads.has(lead)) ids.add(p.id);
    }
  }
  return { all: false, programIds: ids };
}

export function coversProgram(scope: ResolvedScope, programId: number): boolean {
  return scope.all || scope.programIds.has(programId);
}

/** A Prisma `where` on a `programId` column limited to the scope (empty object: no limit). */
export function programFilter(scope: ResolvedScope): { programId?: { in: number[] } } {
  return scope.all ? {} : { programId: { in: [...scope.programIds] } };
}

/** Whether the spec covers at least one program (or all). */
export function coversAny(scope: ResolvedScope): boolean {
  return scope.all || scope.programIds.size > 0;
}
