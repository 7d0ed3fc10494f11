import { freshDatabase, providers, type TestDatabase } from '../../support/databases';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { localInstant } from '../../../src/cycle/clock';
import { agencyWorkflowId } from '../../../src/workflows/obligation-types';
import { cycleWorkflowId } from '../../../src/workflows/cycle-types';
import { inspectionWorkflowId } from '../../../src/inspections/types';
import { loadToday, todayCount } from '../../../src/web/dashboard/today';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
/** The page's present: Wed 20/01/2027, 10:00 in Điện Biên. */
const NOW = localInstant('2027-01-20', 10);
const wf = (code: string) => agencyWorkflowId(PROGRAM, YEAR, code);

/**
 * The today page's queries against the read model as the workflows' activities leave it, on both
 * databases: each section finds what waits and leaves out what does not (a decided extension request, a
 * visit still to come, a recommendation not yet due, an escalation older than the cycle's week), and
 * each role gets its own sections.
 */
describe.each(providers)('what needs the user today (%s)', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;

  beforeAll(async () => {
    database = await freshDatabase(provider, 'dashboard_today');
    seeded = await seedCycle(database.db, YEAR);
    const prisma = database.db.prisma;
    const agency = async (code: string) => (await prisma.agency.findUniqueOrThrow({ where: { code } })).id;
    const due = new Date(localInstant('2027-02-12', 23, 59));
    const obligation = (code: string, status: 'submitted' | 'overdue' | 'requested' | 'accepted') =>
      agency(code).then((agencyId) =>
        prisma.obligation.create({
          data: { cycleId: seeded.cycleId, agencyId, milestoneKey: 'annual-plan', dueAt: due, status },
        }),
      );
    const yt = await obligation('SO-YT', 'submitted');
    await prisma.submission.create({
      data: {
        obligationId: yt.id,
        receiptNumber: '2027-SO-YT-annual-plan-1',
        submittedAt: new Date(localInstant('2027-01-19', 9)),
        submittedBy: 'Trần Thanh Hà',
        summary: 'Kế hoạch số 12/KH-SYT',
      },
    });
    await obligation('SO-TP', 'overdue');
    await obligation('SO-GDDT', 'requested');
    await obligation('SO-NV', 'accepted');

    const audit = (actor: string, action: string, subject: string, details: object) =>
      prisma.auditEvent.create({ data: { actor, action, subject, details } });
    // Sở GD&ĐT asks; a refused grant (no reason) decides nothing: still waiting.
    await audit('agency:SO-GDDT', 'obligation.request-extension', `${wf('SO-GDDT')}:annual-plan`, {
      until: '2027-02-26',
      reason: 'Chờ ý kiến của Bộ Giáo dục và Đào tạo',
      requestedBy: 'Lường Văn Minh',
      due: '2027-02-12',
    });
    await audit('coordinator:huong', 'obligation.extend', `${wf('SO-GDDT')}:annual-plan`, {
      outcome: 'refused',
      refusalCode: 'reason-required',
      refusalValues: {},
      refusal: 'a reason is required',
    });
    // Sở Tư pháp asked and was denied: decided.
    await audit('agency:SO-TP', 'obligation.request-extension', `${wf('SO-TP')}:annual-plan`, {
      until: '2027-03-05',
      reason: 'Thiếu cán bộ',
      requestedBy: 'Vì Thị Lan',
    });
    await audit('coordinator:huong', 'obligation.deny-extension', `${wf('SO-TP')}:annual-plan`, {
      outcome: 'done',
      reason: 'Không có căn cứ',
    });
    // Sở Nội vụ asked, then its plan was accepted: no longer open.
    await audit('agency:SO-NV', 'obligation.request-extension', `${wf('SO-NV')}:annual-plan`, {
      until: '2027-03-05',
      reason: 'Đang trình ký',
      requestedBy: 'Cầm Văn Nam',
    });
    await audit('system', 'inspection-plan.propose', cycleWorkflowId(PROGRAM, YEAR), {
      asOf: '2027-01-18',
      visits: [{ code: 'SO-TP' }, { code: 'SO-YT' }],
    });

    const inspection = async (code: string, status: 'visited' | 'noticed', visitOn: string) =>
      prisma.inspection.create({
        data: {
          cycleId: seeded.cycleId,
          agencyId: await agency(code),
          kind: 'kiem_tra',
          visitOn: new Date(`${visitOn}T00:00:00Z`),
          status,
          workflowId: inspectionWorkflowId(PROGRAM, YEAR, code),
        },
      });
    const visited = await inspection('SO-TP', 'visited', '2027-01-15');
    await inspection('SO-YT', 'noticed', '2027-01-28'); // the visit is still to come
    await prisma.recommendation.createMany({
      data: [
        {
          inspectionId: visited.id,
          number: 1,
          text: 'Bổ sung sổ theo dõi',
          dueOn: new Date('2027-01-10T00:00:00Z'),
        },
        {
          inspectionId: visited.id,
          number: 2,
          text: 'Rà soát quy chế',
          dueOn: new Date('2027-03-01T00:00:00Z'),
        },
      ],
    });

    const notification = (code: string, step: string, status: 'sent' | 'failed', sentAgoMs?: number) =>
      prisma.notification.create({
        data: {
          idempotencyKey: `${wf(code)}:${step}`,
          workflowId: wf(code),
          cycleId: seeded.cycleId,
          milestoneKey: 'annual-plan',
          step,
          recipient: `${code.toLowerCase()}@dienbien.example`,
          status,
          error: status === 'failed' ? '550 5.1.1 mailbox unavailable' : null,
          sentAt: sentAgoMs === undefined ? null : new Date(Date.now() - sentAgoMs),
        },
      });
    await notification('SO-YT', 'annual-plan:r0:request', 'failed');
    await notification('SO-TP', 'annual-plan:r0:escalate-head', 'sent', 60_000);
    await notification('SO-GDDT', 'annual-plan:r0:escalate-head', 'sent', 10 * 86_400_000);
  });

  afterAll(async () => {
    await database?.drop();
  });

  const deps = () => ({ db: database.db, now: () => NOW });

  it('lists each waiting item of the running cycle for a coordinator, with its count', async () => {
    const view = await loadToday(deps(), 'coordinator', 'vi');
    expect(view.today).toBe('20/01/2027');
    expect(view.counts).toEqual({
      submissions: 1,
      extensions: 1,
      plans: 1,
      inspections: 1,
      recommendations: 1,
      failedEmails: 1,
      escalated: 1,
    });
    expect(view.total).toBe(7);
    expect(view.submissions[0]).toMatchObject({
      agencyCode: 'SO-YT',
      agencyName: 'Sở Y tế',
      milestoneTitle: 'Kế hoạch triển khai',
      receipt: '2027-SO-YT-annual-plan-1',
      url: `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT#m-annual-plan`,
    });
    expect(view.extensions[0]).toMatchObject({
      agencyCode: 'SO-GDDT',
      until: '26/02/2027',
      untilIso: '2027-02-26',
      due: '12/02/2027',
      reason: 'Chờ ý kiến của Bộ Giáo dục và Đào tạo',
      requestedBy: 'Lường Văn Minh',
    });
    expect(view.plans[0]).toMatchObject({ proposedOn: '18/01/2027', visits: 2 });
    expect(view.inspections.map((i) => i.agencyCode)).toEqual(['SO-TP']);
    expect(view.recommendations[0]).toMatchObject({ agencyCode: 'SO-TP', number: 1, overdueDays: 10 });
    expect(view.failedEmails[0]).toMatchObject({
      agencyName: 'Sở Y tế',
      step: 'Đề nghị',
      error: '550 5.1.1 mailbox unavailable',
    });
    expect(view.escalated.map((e) => e.agencyCode)).toEqual(['SO-TP']);
    expect(view.overdue).toEqual([expect.objectContaining({ milestone: 'annual-plan', count: 1 })]);
  });

  it('gives an inspector the inspections and recommendations only, and counts them for the navigation', async () => {
    const view = await loadToday(deps(), 'inspector', 'en');
    expect(view.total).toBe(2);
    expect(view.submissions).toEqual([]);
    expect(view.overdue).toEqual([]);
    expect(view.recommendations[0]!.dueOn).toBe('10/01/2027');
    expect(await todayCount(deps(), 'inspector')).toBe(2);
    expect(await todayCount(deps(), 'viewer')).toBe(7);
  });

  it('reads "today" from the cycle’s calendar: a week later the visit has come and the second recommendation is not yet due', async () => {
    const view = await loadToday(
      { db: database.db, now: () => localInstant('2027-01-28', 10) },
      'inspector',
      'vi',
    );
    expect(view.inspections.map((i) => i.agencyCode)).toEqual(['SO-TP', 'SO-YT']);
    expect(view.recommendations.map((r) => r.number)).toEqual([1]);
    expect(view.recommendations[0]!.overdueDays).toBe(18);
  });

  it('leaves out a cycle that is no longer running', async () => {
    await database.db.prisma.cycle.update({ where: { id: seeded.cycleId }, data: { status: 'completed' } });
    try {
      const view = await loadToday(deps(), 'coordinator', 'vi');
      expect(view.submissions).toEqual([]);
      expect(view.extensions).toEqual([]);
      expect(view.escalated).toEqual([]);
      // Inspections and their recommendations are followed after their cycle.
      expect(view.inspections).toHaveLength(1);
    } finally {
      await database.db.prisma.cycle.update({ where: { id: seeded.cycleId }, data: { status: 'running' } });
    }
  });
});
