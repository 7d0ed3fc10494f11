import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLocalEnv } from '../support/temporal';
import {
  freshDatabase,
  providers,
  testMailpitApi,
  testSmtpUrl,
  type TestDatabase,
} from '../support/databases';
import { MailpitApi } from '../support/mailpit';
import { runningWorker, TEST_FROM } from '../support/worker';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { startCycle } from '../../src/cycle/start';
import { temporalConfigFromEnv } from '../../src/config/temporal';
import { importDirectoryFile } from '../../src/directory/import-file';
import { agencyWorkflowId } from '../../src/workflows/obligation-types';
import { simulateAgencies, type Behaviour } from '../../src/demo/agencies';
import { cycleTotals, type CycleSummary } from '../../src/workflows/cycle-types';
import type { annualCycle } from '../../src/workflows/annual-cycle';

const YEAR = 2027;
const PROGRAM = 'dien-bien-kh99';
// A year (15/01 to 30/12) in about 40 seconds.
const SCALE = 750_000;

/**
 * A small Plan 99 cycle on the real dev server, with the real worker, SMTP server and database: one agency
 * answers everything on time, one answers the annual plan late, one never answers; the lead consolidates.
 */
describe.each(providers)('a small cycle end to end on the dev server with %s', (provider) => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> };
  const taskQueue = `cycle-e2e-${provider}`;

  beforeAll(async () => {
    env = await createLocalEnv();
    // Both providers run the same cycle (same workflow IDs, so the same Message-IDs): start with an empty inbox.
    await new MailpitApi(testMailpitApi()).clear();
    database = await freshDatabase(provider, `cycle_e2e_${provider}`);
    await importDirectoryFile(
      database.db,
      join(__dirname, '../fixtures/directory-small.csv'),
      '2025-07-01',
      'test',
    );
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer });
  });

  afterAll(async () => {
    await worker?.stop();
    mailer?.close();
    await database?.drop();
    await env?.teardown();
  });

  it('runs the year, collects, escalates and consolidates', async () => {
    const temporal = { ...temporalConfigFromEnv({ TEMPORAL_ADDRESS: env.address }), taskQueue };
    const started = await startCycle(env.client, temporal, { program: PROGRAM, year: YEAR, scale: SCALE });
    expect(started.workflowId).toBe(`cycle:${PROGRAM}:${YEAR}`);
    await expect(
      startCycle(env.client, temporal, { program: PROGRAM, year: YEAR, scale: SCALE }),
    ).rejects.toThrow(/already started \(workflow cycle:dien-bien-kh99:2027\)/);

    // The agencies: on time, late with the annual plan only, never; the lead consolidates on time.
    const cycle = env.client.workflow.getHandle<typeof annualCycle>(started.workflowId);
    const result = cycle.result();
    await simulateAgencies(env.client, {
      program: PROGRAM,
      year: YEAR,
      until: result,
      pollMs: 50,
      agencies: new Map<string, Behaviour | ((m: string) => Behaviour)>([
        ['SO-YT', 'on-time'],
        ['SO-TP', (m) => (m === 'annual-plan' ? 'late' : 'on-time')],
        ['SO-VHTTDL', 'on-time'],
        ['UBND-P-DIENBIENPHU', 'never'],
      ]),
    });
    const { summary: totals, agencies, cycleId } = await result;
    expect(agencies).toBe(4);
    // Each agency's outcome is in the stored summary; the result carries the counts.
    const stored = await database.db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
    expect(stored.status).toBe('completed');
    const summary = stored.summary as unknown as CycleSummary;
    expect(totals).toEqual(cycleTotals(summary));

    expect(summary.agencies['SO-YT']).toEqual({
      'annual-plan': 'on-time',
      'report-6m': 'on-time',
      'report-annual': 'on-time',
    });
    expect(summary.agencies['SO-TP']!['annual-plan']).toMatch(/^late:\d+$/);
    expect(summary.agencies['SO-TP']!['report-6m']).toBe('on-time');
    expect(summary.agencies['UBND-P-DIENBIENPHU']).toEqual({
      'annual-plan': 'missing',
      'report-6m': 'missing',
      'report-annual': 'missing',
    });
    expect(summary.agencies['SO-VHTTDL']!['consolidation']).toBe('on-time');
    const annual = summary.milestones.find((m) => m.milestone === 'annual-plan')!;
    expect(annual).toMatchObject({ owed: 4, onTime: 2, late: 1, missing: 1, waived: 0 });
    expect(annual.flagged).toEqual(['UBND-P-DIENBIENPHU']);

    expect(totals.milestones.find((m) => m.milestone === 'annual-plan')!.flagged).toBe(1);

    // The commune's head got the two upper rungs of the ladder for each of its three milestones, and every
    // email the log says was sent arrived exactly once.
    const mail = new MailpitApi(testMailpitApi());
    const head = 'huong.vt@dienbienphu.phuong.dienbien.example';
    expect(await mail.waitFor((m) => m.To.some((t) => t.Address === head), 6)).toHaveLength(6);
    const logged = await database.db.prisma.notification.findMany({ where: { status: 'sent' } });
    const loggedIds = new Set(logged.map((n) => n.messageId!.slice(1, -1)));
    expect(loggedIds.size).toBe(logged.length);
    const arrived = (await mail.list()).filter((m) => loggedIds.has(m.MessageID));
    expect(arrived).toHaveLength(logged.length);

    // The consolidated report was stored (DOCX, PDF, XLSX) and emailed to leadership, once, with the DOCX
    // and the PDF attached.
    const reportEvent = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'report.consolidated', subject: started.workflowId },
    });
    const storedFiles = (reportEvent.details as { files: { format: string }[] }).files;
    expect(storedFiles.map((f) => f.format).sort()).toEqual(['docx', 'pdf', 'xlsx']);
    const reports = await mail.waitFor(
      (m) =>
        m.To.some((t) => t.Address === 'lanhdao@ubnd.dienbien.example') && m.Subject.startsWith('Báo cáo'),
    );
    expect(reports).toHaveLength(1);
    const report = (await mail.get(reports[0]!.ID)) as unknown as { Attachments: { FileName: string }[] };
    expect(report.Attachments.map((a) => a.FileName.split('.').pop()).sort()).toEqual(['docx', 'pdf']);

    // Operators find how each agency ended by search attribute in the dev server's visibility store: a
    // completed workflow shows its worst outcome, never a live stage such as "escalated".
    const listed = async (stage: string) => {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({
        query: `PhStage = "${stage}" AND PhYear = ${YEAR}`,
      })) {
        ids.push(w.workflowId);
      }
      return ids.sort();
    };
    expect(await listed('missing')).toEqual([agencyWorkflowId(PROGRAM, YEAR, 'UBND-P-DIENBIENPHU')]);
    expect(await listed('late')).toEqual([agencyWorkflowId(PROGRAM, YEAR, 'SO-TP')]);
    expect(await listed('on-time')).toEqual(
      [agencyWorkflowId(PROGRAM, YEAR, 'SO-VHTTDL'), agencyWorkflowId(PROGRAM, YEAR, 'SO-YT')].sort(),
    );
    expect(await listed('escalated')).toEqual([]);

    // Each workflow carries a readable summary for the Temporal UI's list (the staticSummary start option).
    expect(await cycle.describe().then((d) => d.staticSummary())).toBe(`99/KH-UBND · ${PROGRAM} · ${YEAR}`);
    const commune = await env.client.workflow
      .getHandle(agencyWorkflowId(PROGRAM, YEAR, 'UBND-P-DIENBIENPHU'))
      .describe();
    expect(await commune.staticSummary()).toBe(
      `Ủy ban nhân dân phường Điện Biên Phủ (UBND-P-DIENBIENPHU) · ${PROGRAM} ${YEAR} · ` +
        'annual-plan, report-6m, report-annual',
    );
    expect(await commune.staticDetails()).toMatch(/^- annual-plan: 2027-01-\d\d → 2027-\d\d-\d\d$/m);
    const batch = await env.client.workflow.getHandle(`${started.workflowId}:batch-1`).describe();
    expect(await batch.staticSummary()).toBe(`${PROGRAM} ${YEAR} · batch 1: agencies 1–${agencies}`);
  });
});
