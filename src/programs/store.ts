// Stores program definitions as immutable, numbered versions (ProgramVersion). Registering the same
// content again returns the stored version; changed content becomes version N+1. Nothing here updates or
// deletes a version; a version a Cycle refers to cannot be deleted (the foreign key restricts it), and
// `loadProgramVersion` recomputes the content hash, so a row changed behind our back is detected.
import type { Database } from '../db/client';
import type { Prisma } from '../generated/prisma-sqlite/client';
import { programHash } from './load';
import type { ProgramDefinition } from './types';

export interface StoredProgramVersion {
  programId: number;
  programVersionId: number;
  code: string;
  version: number;
  contentHash: string;
  /** False when a version with the same content already existed. */
  created: boolean;
}

export class ProgramVersionIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramVersionIntegrityError';
  }
}

/** Saving on top of a version that is no longer the latest: someone else saved in between. */
export class ProgramVersionConflictError extends Error {
  constructor(
    readonly code: string,
    readonly expected: number | null,
    readonly latest: { version: number; createdAt: Date } | null,
  ) {
    super(
      `Program ${code}: the edit started from ${expected === null ? 'no version' : `version ${expected}`}, ` +
        `but the latest version is now ${latest?.version ?? 'none'}; open the latest version and apply the changes again.`,
    );
    this.name = 'ProgramVersionConflictError';
  }
}

/** The audit action of a version saved from the dashboard (subject `program:<code>`). */
export const PROGRAM_SAVE_ACTION = 'program.version.save';

export interface RegisterOptions {
  /**
   * The version the edit started from (null: a new program). When the program's latest version is another
   * one, nothing is stored and ProgramVersionConflictError is thrown: two people editing at once cannot
   * overwrite each other.
   */
  expectedLatest?: number | null;
  /** Who saved it and why: recorded in the audit log in the same transaction as a new version. */
  audit?: { actor: string; note: string; source: string };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === 'P2002';
}

/**
 * Stores `definition` (validated, see load.ts) under its content hash: idempotent for the same content,
 * a new version for changed content. Safe to call from several processes at once.
 */
export async function registerProgramVersion(
  db: Pick<Database, 'prisma'>,
  definition: ProgramDefinition,
  hash: string,
  options: RegisterOptions = {},
): Promise<StoredProgramVersion> {
  const actual = programHash(definition);
  if (actual !== hash) {
    throw new ProgramVersionIntegrityError(
      `Program ${definition.code}: the given hash ${hash} is not the hash of the definition (${actual}); ` +
        'pass the hash that loadProgramFile returned with it.',
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.prisma.$transaction(async (tx) => {
        if (options.expectedLatest !== undefined) {
          const latest = await tx.programVersion.findFirst({
            where: { program: { code: definition.code } },
            orderBy: { version: 'desc' },
          });
          if ((latest?.version ?? null) !== options.expectedLatest) {
            throw new ProgramVersionConflictError(definition.code, options.expectedLatest, latest);
          }
        }
        const program = await tx.program.upsert({
          where: { code: definition.code },
          create: { code: definition.code, title: definition.title.vi },
          update: {},
        });
        const existing = await tx.programVersion.findFirst({
          where: { programId: program.id, contentHash: hash },
          orderBy: { version: 'asc' },
        });
        if (existing) {
          return {
            programId: program.id,
            programVersionId: existing.id,
            code: definition.code,
            version: existing.version,
            contentHash: hash,
            created: false,
          };
        }
        const last = await tx.programVersion.findFirst({
          where: { programId: program.id },
          orderBy: { version: 'desc' },
        });
        const version = (last?.version ?? 0) + 1;
        const row = await tx.programVersion.create({
          data: {
            programId: program.id,
            version,
            definition: definition as unknown as Prisma.InputJsonValue,
            contentHash: hash,
          },
        });
        if (options.audit) {
          await tx.auditEvent.create({
            data: {
              actor: options.audit.actor,
              action: PROGRAM_SAVE_ACTION,
              subject: `program:${definition.code}`,
              details: {
                version,
                programVersionId: row.id,
                contentHash: hash,
                note: options.audit.note,
                source: options.audit.source,
                basedOn: options.expectedLatest ?? null,
              },
            },
          });
        }
        if (program.title !== definition.title.vi) {
          await tx.program.update({ where: { id: program.id }, data: { title: definition.title.vi } });
        }
        return {
          programId: program.id,
          programVersionId: row.id,
          code: definition.code,
          version,
          contentHash: hash,
          created: true,
        };
      });
    } catch (error) {
      // Another process registered a version (or created the program) at the same moment: look again.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

export interface LoadedProgramVersion {
  programVersionId: number;
  code: string;
  version: number;
  contentHash: string;
  definition: ProgramDefinition;
}

/**
 * Reads a stored version (by id, or by program code and version number) and checks that its definition
 * still has the hash it was stored with.
 */
export async function loadProgramVersion(
  db: Pick<Database, 'prisma'>,
  which: { id: number } | { code: string; version: number },
): Promise<LoadedProgramVersion> {
  const row =
    'id' in which
      ? await db.prisma.programVersion.findUnique({ where: { id: which.id }, include: { program: true } })
      : await db.prisma.programVersion.findFirst({
          where: { version: which.version, program: { code: which.code } },
          include: { program: true },
        });
  if (!row) {
    const what = 'id' in which ? `id ${which.id}` : `${which.code} version ${which.version}`;
    throw new Error(`No stored program version ${what}; register it first (registerProgramVersion).`);
  }
  const definition = row.definition as unknown as ProgramDefinition;
  const actual = programHash(definition);
  if (actual !== row.contentHash) {
    throw new ProgramVersionIntegrityError(
      `Program ${row.program.code} version ${row.version} (id ${row.id}) was modified after it was stored: ` +
        `its definition hashes to ${actual}, not ${row.contentHash}. Versions are immutable; register the ` +
        'changed definition as a new version instead.',
    );
  }
  return {
    programVersionId: row.id,
    code: row.program.code,
    version: row.version,
    contentHash: row.contentHash,
    definition,
  };
}
