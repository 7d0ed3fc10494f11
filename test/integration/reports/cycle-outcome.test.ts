// The outcome reads the same everywhere: for a consolidated cycle, the stored summary (Cycle.summary), the
// consolidated report and `phoihop cycle status` give the same counts per milestone (the report without the
// lead's own consolidation), and none counts a waived obligation as owed (Plan 99 of 2027: TINH-DOAN's annual plan was waived).
import { cycleCounts } from '../../../src/cli/cycle-commands';
import { buildConsolidatedReport } from '../../../src/reports/consolidated';
import type { CycleSummary } from '../../../src/workflows/cycle-types';
import { consolidate, seedTwoYears, type SeededYears } from '../../fixtures/reports/consolidated-cycle';
import { freshDatabase, type TestDatabase } from '../../support/databases';

describe('the outcome of a closed cycle', () => {
  let database: TestDatabase;
  let years: SeededYears;

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'cycle_outcome');
    years = await seedTwoYears(database.db);
    await consolidate(database.db, years.cycle2027);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('is the same in the stored summary, the report and cycle status; a waived obligation is not owed', async () => {
    const cycle = await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: years.cycle2027 } });
    const stored = (cycle.summary as unknown as CycleSummary).milestones;
    const report = (await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'vi' }))!;
    const status = await cycleCounts(database.db, { program: 'dien-bien-kh99', year: 2027 });
    expect(status.closed).toBe(true);

    const pick = (c: { owed: number; onTime: number; late: number; missing: number; waived: number }) => ({
      owed: c.owed,
      onTime: c.onTime,
      late: c.late,
      missing: c.missing,
      waived: c.waived,
    });
    const fromSummary = Object.fromEntries(stored.map((m) => [m.milestone, pick(m)]));
    const fromReport = Object.fromEntries(report.rates.map((r) => [r.milestone, pick(r.overall)]));
    const fromStatus = Object.fromEntries(
      status.milestones.map((m) => [m.milestone, pick({ ...m, missing: m.notSubmitted })]),
    );
    expect(fromSummary['annual-plan']).toEqual({ owed: 7, onTime: 4, late: 2, missing: 1, waived: 1 });
    expect(fromStatus).toEqual(fromSummary);
    // The report leaves out the lead's own milestone (the consolidation it is); the record keeps it.
    const { consolidation, ...owedByAgencies } = fromSummary;
    expect(consolidation).toEqual({ owed: 1, onTime: 1, late: 0, missing: 0, waived: 0 });
    expect(fromReport).toEqual(owedByAgencies);
  });
});
