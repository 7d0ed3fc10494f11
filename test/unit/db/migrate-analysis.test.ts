import { resolveDatabaseConfig } from '../../../src/db/config';
import { analyse, blockingProblems, formatReport } from '../../../src/db/migrate';
import type { MigrationFile } from '../../../src/db/migration-files';
import { needsOwnTransactionControl, type MigrationRow } from '../../../src/db/migration-store';

const config = resolveDatabaseConfig('file:/tmp/analysis.db', '/srv');
const file = (name: string, checksum = `sum-${name}`): MigrationFile => ({
  name,
  checksum,
  sql: '',
  file: `/m/${name}`,
});
const row = (name: string, over: Partial<MigrationRow> = {}): MigrationRow => ({
  id: `id-${name}-${Math.random()}`,
  checksum: `sum-${name}`,
  migrationName: name,
  startedAt: new Date('2027-01-01T00:00:00Z'),
  finishedAt: new Date('2027-01-01T00:00:01Z'),
  rolledBackAt: null,
  appliedStepsCount: 1,
  logs: null,
  ...over,
});

describe('analyse', () => {
  const files = [file('1_init'), file('2_more'), file('3_last')];

  it('reports everything pending when there is no history table', () => {
    const report = analyse(config, '/m', files, null);
    expect(report.historyExists).toBe(false);
    expect(report.pending).toEqual(['1_init', '2_more', '3_last']);
    expect(report.upToDate).toBe(false);
    expect(blockingProblems(report)).toBeNull();
    expect(formatReport(report)).toContain('npm run db:migrate');
  });

  it('is up to date when every file has a finished row with its checksum', () => {
    const report = analyse(
      config,
      '/m',
      files,
      files.map((f) => row(f.name)),
    );
    expect(report).toMatchObject({ applied: ['1_init', '2_more', '3_last'], pending: [], upToDate: true });
    expect(formatReport(report)).toContain('up to date');
  });

  it('finds pending, failed, modified and unknown migrations', () => {
    const report = analyse(config, '/m', files, [
      row('1_init', { checksum: 'tampered' }),
      row('2_more', { finishedAt: null, logs: 'syntax error at or near "x"' }),
      row('0_gone'),
    ]);
    expect(report.applied).toEqual(['1_init']);
    expect(report.modified).toEqual([{ name: '1_init', recorded: 'tampered', file: 'sum-1_init' }]);
    expect(report.failed.map((f) => f.name)).toEqual(['2_more']);
    expect(report.pending).toEqual(['3_last']);
    expect(report.unknown).toEqual(['0_gone']);
    const problems = blockingProblems(report) as string;
    expect(problems).toContain('1_init: applied with checksum tampered');
    expect(problems).toContain('2_more: started 2027-01-01T00:00:00.000Z and did not finish (syntax error');
    expect(problems).toContain('rolled_back_at');
    expect(problems).toContain('0_gone: applied to the database but not in /m');
  });

  it('ignores rolled-back attempts, as Prisma does', () => {
    const report = analyse(config, '/m', files, [
      row('1_init'),
      row('2_more', { finishedAt: null, rolledBackAt: new Date() }),
      row('2_more'),
      row('3_last', { finishedAt: null, rolledBackAt: new Date() }),
    ]);
    expect(report.applied).toEqual(['1_init', '2_more']);
    expect(report.failed).toEqual([]);
    expect(report.pending).toEqual(['3_last']);
    expect(blockingProblems(report)).toBeNull();
  });
});

describe('needsOwnTransactionControl', () => {
  it.each([
    ['CREATE TABLE "A" ("id" INTEGER);', false],
    ['-- BEGIN is only a comment here\nALTER TABLE "A" ADD COLUMN "b" TEXT;', false],
    ['PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE "new_A" ("id" INTEGER);', true],
    ['BEGIN;\nCREATE TYPE "S_new" AS ENUM (\'a\');\nCOMMIT;', true],
    ['CREATE INDEX CONCURRENTLY "i" ON "A"("b");', true],
  ])('%j -> %s', (sql, expected) => {
    expect(needsOwnTransactionControl(sql)).toBe(expected);
  });
});
