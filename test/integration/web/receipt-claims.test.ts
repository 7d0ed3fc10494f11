import { randomUUID } from 'node:crypto';
import { freshDatabase, providers, type TestDatabase } from '../../support/databases';
import { seedCycle } from '../../support/cycle-fixture';
import {
  claimReceipt,
  dueReceipts,
  recordReceipt,
  retryDelayMs,
  settleReceipt,
  type NewReceipt,
} from '../../../src/web/agency/submission-receipts';

const YEAR = 2027;
const WORKFLOW = `cycle:dien-bien-kh99:${YEAR}:SO-YT`;

/**
 * The portal's receipts on both databases: a double post records once, numbers follow the submissions
 * already stored, a receipt is claimed by one process at a time, and an unanswered attempt backs off.
 */
describe.each(providers)('submission receipts (%s)', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await freshDatabase(provider, 'receipt_claims');
    const seeded = await seedCycle(database.db, YEAR);
    // A submission stored before receipts existed: the portal's numbers continue after it.
    const agency = await database.db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-YT' } });
    const obligation = await database.db.prisma.obligation.create({
      data: {
        cycleId: seeded.cycleId,
        agencyId: agency.id,
        milestoneKey: 'annual-plan',
        dueAt: new Date('2027-02-12T16:59:00Z'),
        status: 'returned',
      },
    });
    await database.db.prisma.submission.create({
      data: {
        obligationId: obligation.id,
        receiptNumber: `${YEAR}-SO-YT-annual-plan-1`,
        submittedAt: new Date('2027-02-01T03:00:00Z'),
        submittedBy: 'Trần Thanh Hà',
        summary: 'Kế hoạch (bản đầu)',
        status: 'returned',
      },
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const receipt = (updateId: string): NewReceipt => ({
    workflowId: WORKFLOW,
    updateId,
    year: YEAR,
    agencyCode: 'SO-YT',
    milestone: 'annual-plan',
    receivedAt: new Date(Date.now() - 1000),
    submittedBy: 'Trần Thanh Hà',
    summary: 'Kế hoạch số 12/KH-SYT',
    figures: { trainees: 12 },
  });

  it('records a form once, numbered after the stored submissions', async () => {
    const updateId = `portal:annual-plan:${randomUUID()}`;
    const [a, b] = await Promise.all(
      [recordReceipt(database.db, receipt(updateId)), recordReceipt(database.db, receipt(updateId))].map(
        (p) => p.catch((e: unknown) => e),
      ),
    );
    const rows = await database.db.prisma.submissionReceipt.findMany({ where: { updateId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.receiptNumber).toBe(`${YEAR}-SO-YT-annual-plan-2`);
    const again = await recordReceipt(database.db, receipt(updateId));
    expect(again).toMatchObject({ created: false, row: { id: rows[0]!.id } });
    // Two posts at once: both answered with the one row.
    expect([a, b].map((r) => (r as { row: { id: number } }).row.id)).toEqual([rows[0]!.id, rows[0]!.id]);
    const next = await recordReceipt(database.db, receipt(`portal:annual-plan:${randomUUID()}`));
    expect(next.row.receiptNumber).toBe(`${YEAR}-SO-YT-annual-plan-3`);
  });

  it('is claimed by one process at a time, backs off when unanswered, and is taken over when a claim lapses', async () => {
    const { row } = await recordReceipt(database.db, receipt(`portal:annual-plan:${randomUUID()}`));
    // Written claimed by the portal's own first attempt: not due for the deliverer.
    expect((await dueReceipts(database.db, 100)).map((r) => r.id)).not.toContain(row.id);
    await settleReceipt(database.db, row, { kind: 'unknown', error: 'no answer within 5000 ms' });
    const waiting = await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { id: row.id } });
    expect(waiting).toMatchObject({
      status: 'pending',
      attempts: 1,
      claimedBy: null,
      lastError: 'no answer within 5000 ms',
    });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + retryDelayMs(1) - 1000);
    expect(await claimReceipt(database.db, row.id)).toBe(false); // not due yet

    await database.db.prisma.submissionReceipt.update({
      where: { id: row.id },
      data: { nextAttemptAt: new Date() },
    });
    const claims = await Promise.all([claimReceipt(database.db, row.id), claimReceipt(database.db, row.id)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimReceipt(database.db, row.id)).toBe(false);
    // A process that died holding it: once the lease lapses, another takes it.
    await database.db.prisma.submissionReceipt.update({
      where: { id: row.id },
      data: { claimedBy: 'dead-process', claimedUntil: new Date(Date.now() - 1) },
    });
    expect(await claimReceipt(database.db, row.id)).toBe(true);
    const claimed = await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { id: row.id } });
    await settleReceipt(database.db, claimed, { kind: 'delivered', lateByWorkingDays: 0 });
    expect(
      await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { id: row.id } }),
    ).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lateByWorkingDays: 0,
      claimedBy: null,
    });
  });

  it('keeps the refusal the workflow gave', async () => {
    const { row } = await recordReceipt(database.db, receipt(`portal:annual-plan:${randomUUID()}`));
    await settleReceipt(database.db, row, {
      kind: 'refused',
      refusal: {
        code: 'obligation-closed',
        values: { milestone: 'annual-plan', stage: 'waived' },
        message: 'waived',
      },
      message: '"annual-plan" is already waived: cannot submit',
    });
    expect(
      await database.db.prisma.submissionReceipt.findUniqueOrThrow({ where: { id: row.id } }),
    ).toMatchObject({
      status: 'refused',
      refusalCode: 'obligation-closed',
      refusalValues: { milestone: 'annual-plan', stage: 'waived' },
    });
  });
});
