import { freshDatabase, providers, testSmtpUrl, type TestDatabase } from '../support/databases';
import { seedCycle, type SeededCycle } from '../support/cycle-fixture';
import { TEST_FROM, TEST_LINKS } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { createInspectionActivities } from '../../src/activities/inspections';
import { ObligationContext } from '../../src/activities/obligations';
import { openRecommendationsByAgency } from '../../src/inspections/carry-over';

/**
 * The inspection read model on both databases: the activities' upserts are idempotent (a retried activity
 * changes nothing more), and the carry-over query reads it by program and year.
 */
describe.each(providers)('inspection read model and carry-over (%s)', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let activities: ReturnType<typeof createInspectionActivities>;

  beforeAll(async () => {
    database = await freshDatabase(provider, `inspections_${provider}`);
    seeded = await seedCycle(database.db, 2027);
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    activities = createInspectionActivities({
      db: database.db,
      mailer,
      from: TEST_FROM,
      links: TEST_LINKS,
      context: new ObligationContext(database.db),
    });
  });

  afterAll(async () => {
    mailer?.close();
    await database?.drop();
  });

  it('upserts inspections and recommendations idempotently and carries open ones over', async () => {
    const cycle = await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: seeded.cycleId } });
    const earlier = await database.db.prisma.cycle.create({
      data: {
        programId: cycle.programId,
        programVersionId: cycle.programVersionId,
        year: 2026,
        status: 'completed',
      },
    });
    const inspect = async (
      cycleId: number,
      agencyCode: string,
      year: number,
      stage: 'concluded' | 'cancelled',
    ) => {
      const workflowId = `inspection:dien-bien-kh99:${year}:${agencyCode}`;
      for (let attempt = 0; attempt < 2; attempt++) {
        await activities.recordInspection({
          workflowId,
          cycleId,
          agencyCode,
          kind: 'thanh-tra',
          visitOn: `${year}-09-09`,
          stage,
          conclusion: 'Kết luận thanh tra.',
          concludedAt: Date.UTC(year, 8, 9, 8),
        });
        await activities.recordRecommendation({
          workflowId,
          number: 1,
          text: 'Kiến nghị thứ nhất.',
          dueOn: `${year}-10-07`,
          status: 'reported',
          reportedAt: Date.UTC(year, 9, 1),
          evidenceSummary: 'Đã khắc phục.',
          evidence: [
            {
              fileName: 'bien-ban.pdf',
              contentType: 'application/pdf',
              sizeBytes: 10,
              sha256: 'cd'.repeat(32),
              storagePath: `cd/${'cd'.repeat(32)}.pdf`,
            },
          ],
        });
        await activities.recordRecommendation({
          workflowId,
          number: 2,
          text: 'Kiến nghị thứ hai.',
          dueOn: `${year}-10-07`,
          status: 'closed',
          closedOn: `${year}-10-05`,
          closedBy: 'inspector:lan',
        });
      }
      return workflowId;
    };
    const older = await inspect(earlier.id, 'SO-YT', 2026, 'concluded');
    const newer = await inspect(seeded.cycleId, 'CA-TINH', 2027, 'concluded');
    await inspect(earlier.id, 'SO-TP', 2026, 'cancelled');

    expect(await database.db.prisma.inspection.count()).toBe(3);
    expect(await database.db.prisma.recommendation.count()).toBe(6);
    const row = await database.db.prisma.recommendation.findFirstOrThrow({
      where: { number: 1, inspection: { workflowId: older } },
    });
    expect(row).toMatchObject({ status: 'reported', evidenceSummary: 'Đã khắc phục.' });
    expect((row.evidence as { fileName: string }[])[0]!.fileName).toBe('bien-ban.pdf');

    // Before 2027: the 2026 inspection of SO-YT only (SO-TP's was cancelled; the closed one never counts).
    expect(await openRecommendationsByAgency(database.db, 'dien-bien-kh99', 2027)).toEqual([
      {
        agencyCode: 'SO-YT',
        agencyName: 'Sở Y tế',
        recommendations: [
          {
            year: 2026,
            inspectionWorkflowId: older,
            number: 1,
            text: 'Kiến nghị thứ nhất.',
            dueOn: '2026-10-07',
            status: 'reported',
          },
        ],
      },
    ]);
    const next = await openRecommendationsByAgency(database.db, 'dien-bien-kh99', 2028);
    expect(next.map((a) => [a.agencyCode, a.recommendations.map((r) => r.inspectionWorkflowId)])).toEqual([
      ['CA-TINH', [newer]],
      ['SO-YT', [older]],
    ]);
  });
});
