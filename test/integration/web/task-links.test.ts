import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { runningWorker, TEST_FROM } from '../../support/worker';
import { testFiles } from '../../support/files';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { linkKeyring, type LinkConfig } from '../../../src/config/links';
import { issueTaskLink, revokeTaskLink } from '../../../src/links/issue';
import { editContact } from '../../../src/directory/edit-contact';
import { buildWebServer } from '../../../src/web/server';
import { Browser, loggedIn, USERS } from './dashboard-browser';
import { agencyWorkflowId, type AgencyObligationsInput } from '../../../src/workflows/obligation-types';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

const YEAR = 2027;
const PUBLIC_URL = 'https://phoihop.dienbien.example';
const OLD_SECRET = 'o'.repeat(64);
const NEW_SECRET = 'n'.repeat(64);
/** Before the rotation: one key, "2026". */
const BEFORE: LinkConfig = { publicUrl: PUBLIC_URL, secret: OLD_SECRET, keyId: '2026' };
/** During it: "2027" signs, "2026" is still accepted. */
const DURING: LinkConfig = {
  publicUrl: PUBLIC_URL,
  secret: NEW_SECRET,
  keyId: '2027',
  previous: { id: '2026', secret: OLD_SECRET },
};
/** After it: "2026" retired. */
const AFTER: LinkConfig = { publicUrl: PUBLIC_URL, secret: NEW_SECRET, keyId: '2027' };

const FOCAL = 'ha.tt@soyt.dienbien.example';
const HEAD = 'minh.th@soyt.dienbien.example';

/** The header of a token (its key id). */
function headerOf(path: string): { kid?: string } {
  const token = path.split('/').at(-1)!;
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid?: string };
}

/**
 * Per-recipient links through a real cycle (real workflow, activities, SMTP server and portal): each
 * person gets their own link, the signing key is rotated while the cycle runs (old links keep working
 * until the previous key is retired, then show "this link has been replaced"), a coordinator's
 * revocation and a contact's replacement stop a link at once, and a submission records whose link it
 * came through.
 */
describe('per-recipient task links and key rotation', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let seeded: SeededCycle;
  let smtp: TestMailServer;
  let mail: MailpitApi;
  let mailer: Mailer;
  let worker: { stop(): Promise<void> } | undefined;
  const apps: FastifyInstance[] = [];
  const files = testFiles();
  const taskQueue = 'task-links';
  const workflowId = agencyWorkflowId('dien-bien-kh99', YEAR, 'SO-YT');

  /** A portal with these link keys (the process restarted with a new configuration): its base URL. */
  async function portal(links: LinkConfig): Promise<string> {
    const app = buildWebServer({
      db: database.db,
      links,
      files,
      temporal: env.client,
      receiptClock: () => env.currentTimeMs(),
    });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  async function get(base: string, path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: await res.text() };
  }

  /** The task link path in the email of a step to an address (waiting for it to arrive). */
  async function linkOf(address: string, step: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      for (const m of await mail.search(`to:${address}`)) {
        const key = (await mail.headers(m.ID))['X-Phoihop-Key']?.[0] ?? '';
        if (!key.includes(`:${step}:`)) continue;
        const found = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(
          (await mail.get(m.ID)).Text,
        );
        if (found) return found[1]!;
      }
      if (Date.now() > deadline) throw new Error(`no ${step} email with a link to ${address}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    database = await freshDatabase('sqlite', 'task_links');
    seeded = await seedCycle(database.db, YEAR);
    smtp = await startMailpit();
    mail = new MailpitApi(smtp.apiUrl);
    mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    // No sticky queue: the workflow's next task must wait on the task queue for the worker started after
    // the rotation (the time-skipping server's sticky timeout would never come, as it stops skipping).
    worker = await runningWorker(env, {
      taskQueue,
      db: database.db,
      mailer,
      links: BEFORE,
      maxCachedWorkflows: 0,
    });
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;
    const input: AgencyObligationsInput = {
      cycleId: seeded.cycleId,
      program: 'dien-bien-kh99',
      year: YEAR,
      programVersionId: seeded.programVersionId,
      agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
      milestones: [annual],
      calendar: buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR),
      clock: { originMs: localInstant(seeded.plan.startsOn, 7), scale: 1 },
      closesOn: seeded.plan.endsOn,
    };
    await env.client.workflow.start(agencyObligations, { taskQueue, workflowId, args: [input] });
    await env.sleep('3 hours');
  });

  afterAll(async () => {
    await env?.client.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    for (const app of apps) await app.close();
    await worker?.stop();
    mailer?.close();
    await smtp?.stop();
    files.remove();
    await database?.drop();
    await env?.teardown();
  });

  let requestLink: string;
  let focalLink: string;
  let headLink: string;

  it("sends the request with a link of the focal point's own, signed with the current key", async () => {
    requestLink = await linkOf(FOCAL, 'request');
    expect(headerOf(requestLink).kid).toBe('2026');
    const links = await database.db.prisma.taskLink.findMany({ where: { workflowId } });
    expect(links).toEqual([
      expect.objectContaining({
        recipient: FOCAL,
        role: 'focal_point',
        kid: '2026',
        milestone: 'annual-plan',
      }),
    ]);
    expect((await get(await portal(BEFORE), requestLink)).status).toBe(200);
  });

  it('keeps old links working after a rotation, while later emails carry links under the new key', async () => {
    // The rotation: the portal first (it accepts both keys), then the worker (it signs with the new one).
    const during = await portal(DURING);
    expect((await get(during, requestLink)).status).toBe(200);
    await worker!.stop();
    worker = await runningWorker(env, { taskQueue, db: database.db, mailer, links: DURING });
    // On to the escalation to the head (3 working days after the due date, 12/02/2027).
    await env.sleep('40 days');
    focalLink = await linkOf(FOCAL, 'escalate-head');
    headLink = await linkOf(HEAD, 'escalate-head');
    expect(headerOf(focalLink).kid).toBe('2027');
    expect(headerOf(headLink).kid).toBe('2027');
    // Each person has their own link.
    expect(headLink).not.toBe(focalLink);
    for (const link of [requestLink, focalLink, headLink]) {
      expect((await get(during, link)).status).toBe(200);
    }
    // One link per recipient and key: every email to the same person under the same key carries the same
    // link (the reminders and the escalation to the focal point share one).
    const rows = await database.db.prisma.taskLink.findMany({
      where: { workflowId },
      orderBy: { id: 'asc' },
    });
    const pairs = rows.map((r) => `${r.recipient} ${r.kid}`);
    expect(rows[0]).toMatchObject({ recipient: FOCAL, kid: '2026' });
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toEqual(expect.arrayContaining([`${FOCAL} 2027`, `${HEAD} 2027`]));
    // The escalation to leadership went out too (the 40 days passed it): the coordinators and leadership
    // have links of their own, under the new key.
    expect(rows.filter((r) => r.role === 'leadership').map((r) => r.kid)).toEqual(['2027']);
  });

  it('shows "this link has been replaced" for a link under a retired key, in Vietnamese and English', async () => {
    const after = await portal(AFTER);
    const vi = await get(after, requestLink);
    expect(vi.status).toBe(410);
    expect(vi.body).toContain('Đường liên kết này đã được thay thế');
    const en = await get(after, `${requestLink}?lang=en`);
    expect(en.status).toBe(410);
    expect(en.body).toContain('This link has been replaced');
    expect((await get(after, focalLink)).status).toBe(200);
  });

  it('sends one of the agency’s people a fresh link from the agency page: a reminder to them, audited', async () => {
    const after = await portal(AFTER);
    const coordinator = await loggedIn(after, database.db, USERS.coordinator);
    const pagePath = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT`;
    const headRow = await database.db.prisma.taskLink.findFirstOrThrow({
      where: { workflowId, recipient: HEAD, revokedAt: null },
      orderBy: { id: 'desc' },
    });
    const html = await coordinator.html(pagePath);
    const form = new RegExp(
      `<form class="resend" method="post" action="([^"]*/lien-ket/${headRow.id}/gui-lai)">[\\s\\S]*?name="key" value="([0-9a-f-]{36})"`,
    ).exec(html);
    expect(form).not.toBeNull();
    // The coordinators' and leadership's links are not resent this way.
    const leadership = await database.db.prisma.taskLink.findFirstOrThrow({
      where: { workflowId, role: 'leadership' },
    });
    expect(html).not.toContain(`/lien-ket/${leadership.id}/gui-lai`);
    const _csrf = Browser.csrfOf(html);
    const sent = await coordinator.post(form![1]!, { _csrf, key: form![2]! });
    expect(sent.status).toBe(303);
    // A double click acts once.
    expect((await coordinator.post(form![1]!, { _csrf, key: form![2]! })).headers.get('location')).toBe(
      sent.headers.get('location'),
    );
    const deadline = Date.now() + 20_000;
    let link: string | undefined;
    while (!link) {
      for (const m of await mail.search(`to:${HEAD}`)) {
        const key = (await mail.headers(m.ID))['X-Phoihop-Key']?.[0] ?? '';
        if (!/:remind-now-\d+-head:/.test(key)) continue;
        link = /https:\/\/phoihop\.dienbien\.example(\/nhiem-vu\/[A-Za-z0-9._-]+)/.exec(
          (await mail.get(m.ID)).Text,
        )?.[1];
      }
      if (!link && Date.now() > deadline) throw new Error('no reminder to the head');
      if (!link) await new Promise((r) => setTimeout(r, 200));
    }
    // The head's own link (the one in force), working; the focal point got nothing new.
    expect(link).toBe(headLink);
    expect((await get(after, link)).status).toBe(200);
    const audit = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'obligation.remind', subject: `${workflowId}:annual-plan` },
      orderBy: { id: 'desc' },
    });
    expect(audit.details).toMatchObject({ outcome: 'done', linkId: headRow.id, to: 'head' });
  });

  it("records which recipient's link a submission came through", async () => {
    const after = await portal(AFTER);
    const page = await get(after, headLink);
    const key = /name="key" value="([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const posted = await fetch(`${after}${headLink}`, {
      method: 'POST',
      body: new URLSearchParams({ key, submittedBy: 'Trần Thanh Hà', summary: 'Kế hoạch năm 2027' }),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const headRow = await database.db.prisma.taskLink.findFirstOrThrow({
      where: { workflowId, recipient: HEAD },
    });
    const receipt = await database.db.prisma.submissionReceipt.findFirstOrThrow({ where: { workflowId } });
    // The link was the head's; the form still names the person responsible.
    expect(receipt.taskLinkId).toBe(headRow.id);
    expect(receipt.submittedBy).toBe('Trần Thanh Hà');
  });

  it('lets a coordinator revoke one link from the agency page (audited), which stops it at once, and only it', async () => {
    const after = await portal(AFTER);
    // The coordinator added by the test above.
    const coordinator = new Browser(after);
    await coordinator.login(USERS.coordinator.login, USERS.coordinator.password);
    const viewer = await loggedIn(after, database.db, USERS.viewer);
    const pagePath = `/quan-ly/chu-ky/${seeded.cycleId}/don-vi/SO-YT`;
    const headRow = await database.db.prisma.taskLink.findFirstOrThrow({
      where: { workflowId, recipient: HEAD },
    });
    const action = `${pagePath}/lien-ket/${headRow.id}/thu-hoi`;
    // Listed for everyone; the revoke form only for coordinators.
    const seen = await viewer.html(pagePath);
    expect(seen).toContain('Đường liên kết nhiệm vụ');
    expect(seen).toContain(HEAD);
    expect(seen).not.toContain(action);
    const html = await coordinator.html(pagePath);
    expect(html).toContain(`action="${action}"`);
    const _csrf = Browser.csrfOf(html);
    // A viewer may not; no reason is refused; neither changes anything.
    expect((await viewer.post(action, { _csrf: Browser.csrfOf(seen), reason: 'x' })).status).toBe(403);
    const noReason = await coordinator.post(action, { _csrf, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Vui lòng ghi lý do thu hồi');
    expect((await get(after, headLink)).status).toBe(200);

    const done = await coordinator.post(action, { _csrf, reason: 'Thư gửi nhầm người' });
    expect(done.status).toBe(303);
    const flashed = await coordinator.html(done.headers.get('location')!.replace(/#.*$/, ''));
    expect(flashed).toContain(`Đã thu hồi đường liên kết của ${HEAD}.`);
    expect(flashed).toContain('Thu hồi đường liên kết (coordinator:huong)');
    const audit = await database.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'task-link.revoke' },
    });
    expect(audit).toMatchObject({
      actor: 'coordinator:huong',
      subject: `${workflowId}:annual-plan`,
      details: { outcome: 'done', linkId: headRow.id, recipient: HEAD, reason: 'Thư gửi nhầm người' },
    });
    const refused = await get(after, headLink);
    expect(refused.status).toBe(410);
    expect(refused.body).toContain('đã bị thu hồi');
    expect((await get(after, focalLink)).status).toBe(200);
    // Revoked once: a second revocation is refused and records nothing.
    expect((await coordinator.post(action, { _csrf, reason: 'lần nữa' })).status).toBe(409);
    expect(await revokeTaskLink(database.db, headRow.id, 'coordinator:test', 'again')).toBe(false);
    expect(await database.db.prisma.auditEvent.count({ where: { action: 'task-link.revoke' } })).toBe(1);
  });

  it('stops the links of a replaced contact at once', async () => {
    const after = await portal(AFTER);
    await editContact(database.db, {
      code: 'SO-YT',
      role: 'focal_point',
      email: 'moi.nv@soyt.dienbien.example',
      name: 'Nguyễn Văn Mới',
      actor: 'coordinator:test',
    });
    const refused = await get(after, focalLink);
    expect(refused.status).toBe(410);
    expect(refused.body).toContain('Đường liên kết này đã được thay thế');
    // The new contact's link, as the next email issues it, works.
    const fresh = await issueTaskLink(
      database.db,
      { workflowId, cycleId: seeded.cycleId, agencyCode: 'SO-YT', milestone: 'annual-plan' },
      { email: 'Moi.NV@soyt.dienbien.example', role: 'focal_point' },
      new Date(Date.now() + 30 * 86_400_000),
      linkKeyring(AFTER),
    );
    expect((await get(after, `/nhiem-vu/${fresh.token}`)).status).toBe(200);
  });
});
