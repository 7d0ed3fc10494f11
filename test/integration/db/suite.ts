// The database behaviour both providers must share; run by sqlite.test.ts and postgres.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../../src/db/client';
import { resolveDatabaseConfig, type DatabaseProvider } from '../../../src/db/config';
import { DatabaseUnavailableError, MigrationError } from '../../../src/db/errors';
import { migrate, migrationStatus } from '../../../src/db/migrate';
import { migrationsDir, readMigrations, schemaFile } from '../../../src/db/migration-files';
import { runPrisma, schemaDrift } from './prisma-cli';

export interface DatabaseFactory {
  /** A new, empty database; `name` is unique within the test file. */
  fresh(name: string): Promise<string>;
}

/**
 * A better-sqlite3 error as an Error of this test file. The driver's native addon is loaded once per
 * jest process and builds its errors with the SqliteError class of the first test file that opened a
 * database; in any later file those are not `instanceof Error` here, and `rejects.toThrow()` reports
 * "Received function did not throw" although the statement failed.
 */
function thisRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const { message, code } = error as { message?: unknown; code?: unknown };
  return Object.assign(new Error(typeof message === 'string' ? message : String(error), { cause: error }), {
    code,
  });
}

/** Runs one SQL statement with the plain driver (outside Prisma), returning the rows. */
export async function rawSql(url: string, statement: string): Promise<Record<string, unknown>[]> {
  const config = resolveDatabaseConfig(url);
  if (config.provider === 'sqlite') {
    const db = new BetterSqlite3(config.filePath as string);
    try {
      const prepared = db.prepare(statement);
      return prepared.reader ? (prepared.all() as Record<string, unknown>[]) : (prepared.run(), []);
    } catch (error) {
      throw thisRealmError(error);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** A copy of the provider's migrations folder plus extra migrations, for tests that need to alter it. */
function migrationsCopy(provider: DatabaseProvider, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoihop-migrations-'));
  fs.cpSync(migrationsDir(provider), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

export function databaseSuite(provider: DatabaseProvider, factory: () => DatabaseFactory): void {
  const committed = readMigrations(provider).map((m) => m.name);

  describe(`migrations (${provider})`, () => {
    it('migrates a fresh database from zero to exactly the Prisma schema', async () => {
      const url = await factory().fresh('from_zero');
      const before = await migrationStatus({ url });
      expect(before).toMatchObject({
        historyExists: false,
        applied: [],
        pending: committed,
        upToDate: false,
      });

      const { applied, report } = await migrate({ url });
      expect(applied).toEqual(committed);
      expect(report).toMatchObject({ applied: committed, pending: [], upToDate: true });

      expect(await schemaDrift(provider, url)).toBe('');

      // The check can fail: drop an index the schema declares and it must show up.
      await rawSql(url, 'DROP INDEX "Obligation_status_idx"');
      expect(await schemaDrift(provider, url)).toMatch(/CREATE INDEX "Obligation_status_idx"/);
    });

    it('has committed migrations that replay to exactly the schema (migrate diff --from-migrations)', async () => {
      const url = await factory().fresh('replay');
      const diff = await runPrisma(
        [
          'migrate',
          'diff',
          '--from-migrations',
          migrationsDir(provider),
          '--to-schema-datamodel',
          schemaFile(provider),
          '--script',
          '--exit-code',
        ],
        url,
      );
      expect(diff.stderr).not.toMatch(/Error/);
      expect(diff.stdout).toContain('This is an empty migration.');
      expect(diff.status).toBe(0);
      // The migrations were replayed into a shadow database: the target database is untouched, and
      // (PostgreSQL) the temporary shadow database is gone.
      expect((await migrationStatus({ url })).historyExists).toBe(false);
      if (provider === 'postgresql') {
        const shadows = await rawSql(
          url,
          "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow%'",
        );
        expect(shadows).toEqual([]);
      }
    });

    it('is idempotent: a second run applies nothing and records nothing', async () => {
      const url = await factory().fresh('idempotent');
      await migrate({ url });
      const rows = await rawSql(url, 'SELECT "id", "checksum", "finished_at" FROM "_prisma_migrations"');
      expect(rows).toHaveLength(committed.length);

      const second = await migrate({ url });
      expect(second.applied).toEqual([]);
      expect(second.report.upToDate).toBe(true);
      expect(await rawSql(url, 'SELECT "id", "checksum", "finished_at" FROM "_prisma_migrations"')).toEqual(
        rows,
      );
    });

    it('records migrations as Prisma does, so `prisma migrate status` agrees with ours', async () => {
      const url = await factory().fresh('prisma_status');
      const cliBefore = await runPrisma(['migrate', 'status'], url);
      expect(cliBefore.status).not.toBe(0);
      const before = cliBefore.stdout + cliBefore.stderr;
      if (provider === 'sqlite') {
        // Prisma 6.19's JS schema engine on SQLite fails instead of listing the pending migrations.
        expect(before).toMatch(/P1014[\s\S]*_prisma_migrations` does not exist/);
      } else {
        expect(before).toContain('have not yet been applied');
        for (const name of committed) expect(before).toContain(name);
      }
      expect((await migrationStatus({ url })).pending).toEqual(committed);

      await migrate({ url });
      const cliAfter = await runPrisma(['migrate', 'status'], url);
      expect(cliAfter.stdout + cliAfter.stderr).toContain('Database schema is up to date');
      expect(cliAfter.status).toBe(0);
      expect((await migrationStatus({ url })).upToDate).toBe(true);

      const rows = await rawSql(
        url,
        'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at", "applied_steps_count", "logs" FROM "_prisma_migrations" ORDER BY "migration_name"',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(committed);
      for (const [i, m] of readMigrations(provider).entries()) {
        expect(rows[i]).toMatchObject({ checksum: m.checksum, rolled_back_at: null, logs: null });
        expect(Number(rows[i]?.applied_steps_count)).toBe(1);
        expect(rows[i]?.finished_at).not.toBeNull();
      }
    });

    it('agrees with a history written by `prisma migrate deploy`', async () => {
      const url = await factory().fresh('prisma_deploy');
      const deploy = await runPrisma(['migrate', 'deploy'], url);
      expect(deploy.stderr + deploy.stdout).toContain('successfully applied');
      expect(deploy.status).toBe(0);
      const report = await migrationStatus({ url });
      expect(report).toMatchObject({ applied: committed, upToDate: true });
      expect((await migrate({ url })).applied).toEqual([]);
    });

    it('refuses to run when an applied migration has a different checksum', async () => {
      const url = await factory().fresh('tampered');
      await migrate({ url });
      const first = committed[0] as string;

      // The file changed after it was applied.
      const dir = migrationsCopy(provider);
      try {
        fs.appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited afterwards\n');
        await expect(migrate({ url, migrationsDir: dir })).rejects.toThrow(MigrationError);
        await expect(migrate({ url, migrationsDir: dir })).rejects.toThrow(
          new RegExp(`${first}: applied with checksum [0-9a-f]{64}, but .*now has checksum`),
        );
        const status = await migrationStatus({ url, migrationsDir: dir });
        expect(status.modified.map((m) => m.name)).toEqual([first]);
        expect(status.upToDate).toBe(false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }

      // The recorded checksum was altered.
      await rawSql(
        url,
        `UPDATE "_prisma_migrations" SET "checksum" = 'deadbeef' WHERE "migration_name" = '${first}'`,
      );
      await expect(migrate({ url })).rejects.toThrow(/applied with checksum deadbeef/);
    });

    it('applies new migrations in order and keeps nothing of one that fails', async () => {
      const url = await factory().fresh('incremental');
      await migrate({ url });
      const dir = migrationsCopy(provider, {
        '29990101000000_add_note':
          'CREATE TABLE "Note" ("id" INTEGER NOT NULL PRIMARY KEY, "text" TEXT NOT NULL);\n',
        '29990102000000_broken':
          'CREATE TABLE "Half" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "NoSuchTable" VALUES (1);\n',
      });
      try {
        // The driver's own message, whichever test file loaded the driver first in this process.
        await expect(migrate({ url, migrationsDir: dir })).rejects.toThrow(
          /Migration 29990102000000_broken failed on the .*\(from DATABASE_URL\): (no such table: NoSuchTable|relation "NoSuchTable" does not exist)\nNothing of it was kept/,
        );
        const status = await migrationStatus({ url, migrationsDir: dir });
        expect(status.applied).toEqual([...committed, '29990101000000_add_note']);
        expect(status.pending).toEqual(['29990102000000_broken']);
        expect(status.failed).toEqual([]);
        await rawSql(url, 'SELECT * FROM "Note"');
        await expect(rawSql(url, 'SELECT * FROM "Half"')).rejects.toThrow(/Half/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe(`openDatabase (${provider})`, () => {
    it('refuses a database that is not migrated, saying which and what to run', async () => {
      const url = await factory().fresh('unmigrated');
      if (provider === 'sqlite') {
        // An existing but empty file.
        fs.writeFileSync(resolveDatabaseConfig(url).filePath as string, '');
      }
      const attempt = openDatabase(url);
      await expect(attempt).rejects.toThrow(DatabaseUnavailableError);
      await expect(openDatabase(url)).rejects.toThrow(/has not been migrated.*npm run db:migrate/);
    });

    it('refuses a database with pending migrations', async () => {
      const url = await factory().fresh('behind');
      await migrate({ url });
      const last = committed.at(-1) as string;
      await rawSql(url, `DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${last}'`);
      await expect(openDatabase(url)).rejects.toThrow(
        new RegExp(`not up to date.*${last}.*npm run db:migrate`),
      );
    });
  });

  describe(`Prisma Client (${provider})`, () => {
    let db: Database;
    beforeAll(async () => {
      const url = await factory().fresh('client');
      await migrate({ url });
      db = await openDatabase(url);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('reports the provider and a masked URL', () => {
      expect(db.provider).toBe(provider);
      expect(db.url).not.toMatch(/:[^/@:]+@/);
    });

    it('keeps one Notification per idempotency key', async () => {
      const data = {
        idempotencyKey: 'cycle:kh99:2027:SOVHTTDL|request|focal@example.org',
        workflowId: 'cycle:kh99:2027:SOVHTTDL',
        step: 'request',
        recipient: 'focal@example.org',
      };
      const first = await db.prisma.notification.create({ data });
      expect(first).toMatchObject({ status: 'pending', attempts: 0, sentAt: null });
      await expect(db.prisma.notification.create({ data })).rejects.toMatchObject({ code: 'P2002' });

      const upsert = () =>
        db.prisma.notification.upsert({
          where: { idempotencyKey: data.idempotencyKey },
          create: data,
          update: { attempts: { increment: 1 } },
        });
      await upsert();
      const again = await upsert();
      expect(again.id).toBe(first.id);
      expect(again.attempts).toBe(2);
      expect(await db.prisma.notification.count({ where: { idempotencyKey: data.idempotencyKey } })).toBe(1);
    });

    it('round-trips a program, the directory, a cycle and a submission', async () => {
      const prisma = db.prisma;
      const definition = {
        milestones: [{ key: 'annual-plan', due: { fixed: '03-31' } }],
        note: 'Kế hoạch 99',
      };
      const program = await prisma.program.create({
        data: {
          code: 'kh99-dienbien',
          title: 'Kế hoạch 99/KH-UBND',
          versions: { create: { version: 1, definition, contentHash: 'a'.repeat(64) } },
        },
        include: { versions: true },
      });
      const version = program.versions[0];
      expect(version?.definition).toEqual(definition);
      await expect(
        prisma.programVersion.create({
          data: { programId: program.id, version: 1, definition: {}, contentHash: 'b'.repeat(64) },
        }),
      ).rejects.toMatchObject({ code: 'P2002' });

      const district = await prisma.agency.create({
        data: {
          code: 'H-TUANGIAO',
          name: 'UBND huyện Tuần Giáo',
          group: 'district_committee',
          effectiveFrom: new Date('2000-01-01T00:00:00Z'),
          effectiveTo: new Date('2025-07-01T00:00:00Z'),
        },
      });
      const agency = await prisma.agency.create({
        data: {
          code: 'X-QUAIGUA',
          name: 'UBND xã Quài Nưa',
          group: 'commune_committee',
          parentId: district.id,
          effectiveFrom: new Date('2000-01-01T00:00:00Z'),
          contacts: {
            create: [
              { role: 'focal_point', name: 'Lò Thị A', email: 'a@example.org' },
              { role: 'head', name: 'Quàng Văn B', email: 'b@example.org' },
            ],
          },
        },
      });
      const cycle = await prisma.cycle.create({
        data: {
          programId: program.id,
          programVersionId: version?.id as number,
          year: 2027,
          status: 'running',
        },
      });
      const dueAt = new Date('2027-03-31T10:00:00.000Z');
      const obligation = await prisma.obligation.create({
        data: { cycleId: cycle.id, agencyId: agency.id, milestoneKey: 'annual-plan', dueAt },
      });
      await expect(
        prisma.obligation.create({
          data: { cycleId: cycle.id, agencyId: agency.id, milestoneKey: 'annual-plan', dueAt },
        }),
      ).rejects.toMatchObject({ code: 'P2002' });
      const submission = await prisma.submission.create({
        data: {
          obligationId: obligation.id,
          receiptNumber: 'KH99-2027-000001',
          submittedAt: new Date('2027-03-20T02:03:04.567Z'),
          submittedBy: 'Lò Thị A',
          summary: 'Kế hoạch triển khai năm 2027',
          attachments: {
            create: {
              fileName: 'ke-hoach.pdf',
              contentType: 'application/pdf',
              sizeBytes: 123456,
              sha256: 'c'.repeat(64),
              storagePath: '2027/KH99-2027-000001/ke-hoach.pdf',
            },
          },
        },
      });
      await prisma.obligation.update({ where: { id: obligation.id }, data: { status: 'submitted' } });
      await prisma.auditEvent.create({
        data: {
          actor: 'agency:X-QUAIGUA',
          action: 'submission.create',
          subject: 'cycle:kh99-dienbien:2027',
          details: { receipt: submission.receiptNumber },
        },
      });

      const loaded = await prisma.agency.findUniqueOrThrow({
        where: { code: 'X-QUAIGUA' },
        include: {
          parent: true,
          contacts: { orderBy: { role: 'asc' } },
          obligations: { include: { cycle: true, submissions: { include: { attachments: true } } } },
        },
      });
      expect(loaded.parent?.code).toBe('H-TUANGIAO');
      expect(loaded.parent?.effectiveTo).toEqual(new Date('2025-07-01T00:00:00Z'));
      expect(loaded.effectiveTo).toBeNull();
      expect(loaded.contacts.map((c) => [c.role, c.email])).toEqual([
        ['focal_point', 'a@example.org'],
        ['head', 'b@example.org'],
      ]);
      const [ob] = loaded.obligations;
      expect(ob).toMatchObject({ milestoneKey: 'annual-plan', status: 'submitted', dueAt });
      expect(ob?.cycle).toMatchObject({ year: 2027, status: 'running' });
      expect(ob?.submissions[0]).toMatchObject({
        receiptNumber: 'KH99-2027-000001',
        submittedAt: new Date('2027-03-20T02:03:04.567Z'),
        status: 'received',
        summary: 'Kế hoạch triển khai năm 2027',
      });
      expect(ob?.submissions[0]?.attachments[0]).toMatchObject({
        fileName: 'ke-hoach.pdf',
        sizeBytes: 123456,
      });
      const audit = await prisma.auditEvent.findFirstOrThrow({
        where: { subject: 'cycle:kh99-dienbien:2027' },
      });
      expect(audit.details).toEqual({ receipt: 'KH99-2027-000001' });

      // Deleting a submission removes its attachments' metadata; an agency with obligations stays.
      await prisma.submission.delete({ where: { id: submission.id } });
      expect(await prisma.attachment.count({ where: { submissionId: submission.id } })).toBe(0);
      await expect(prisma.agency.delete({ where: { id: agency.id } })).rejects.toBeDefined();
      expect(await prisma.agency.count({ where: { id: agency.id } })).toBe(1);
    });
  });
}
