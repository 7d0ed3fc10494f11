import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { buildWebServer } from '../../../src/web/server';
import { addUser } from '../../../src/auth/users';
import { programHash } from '../../../src/programs/load';
import { registerProgramVersion } from '../../../src/programs/store';
import { requireAccessDeclarations, type Access } from '../../../src/web/dashboard/access';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening } from './dashboard-browser';

const PASSWORD = 'phạm vi của tôi 2027';

/**
 * Scopes route by route: every route registered on the dashboard is tried by a coordinator of ANOTHER
 * program (refused: 404 for a thing of this program, as if it did not exist; 403 for shared data they may not
 * write or for administration), by a coordinator whose scope covers this program through its lead agency
 * (let through), and without a session (login page or 403). The routes come from the server itself, so a
 * route added later is tried too.
 */
describe.each(['sqlite', 'postgresql'] as const)('dashboard scopes (%s)', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let otherCycleId: number;
  let inspectionId: number;
  let attachmentId: number;
  let linkId: number;
  let app: FastifyInstance;
  let base: string;
  const files = testFiles();
  const routes: RouteOptions[] = [];
  let outsider: Browser;
  let insider: Browser;

  /** The route's URL with this program's things in its parameters. */
  function urlOf(route: RouteOptions): string {
    const values: Record<string, string> = {
      cycleId: String(seeded.cycleId),
      // An agency of the cycle's pages; the program itself on the program pages.
      code: route.url.startsWith('/quan-ly/chuong-trinh/') ? 'dien-bien-kh99' : 'SO-YT',
      version: '1',
      linkId: String(linkId),
      action: route.url.includes('/kiem-tra/')
        ? 'cancel'
        : route.url.includes('/lich-khoi-dong/')
          ? 'pause'
          : 'remind',
      // A yearly schedule's program.
      program: 'dien-bien-kh99',
      file: 'ma-tran.csv',
      inspectionId: String(inspectionId),
      number: '1',
      index: '1',
      attachmentId: String(attachmentId),
      // Users pages (administrators only): a user who exists.
      login: 'trong',
      token: 'x'.repeat(43),
    };
    return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no test value for :${name} in ${route.url}`);
      return encodeURIComponent(value);
    });
  }

  function accessOf(route: RouteOptions): Access {
    return (route.config as { access: Access }).access;
  }

  async function tryRoute(browser: Browser, route: RouteOptions): Promise<number> {
    const url = urlOf(route);
    if (route.method === 'GET') return (await browser.fetch(url)).status;
    const _csrf = Browser.csrfOf(await browser.html('/quan-ly/'));
    return (await browser.post(url, { _csrf, milestone: 'annual-plan', reason: 'thử phạm vi' })).status;
  }

  beforeAll(async () => {
    database = await freshDatabase(provider, 'dashboard_scopes');
    const db = database.db;
    seeded = await seedCycle(db, 2027);
    // Another department's plan: its own code and lead agency (Sở Y tế).
    const other = { ...seeded.program.definition, code: 'dien-bien-yte', lead: 'SO-YT' };
    const stored = await registerProgramVersion(db, other, programHash(other));
    otherCycleId = (
      await db.prisma.cycle.create({
        data: { programId: stored.programId, programVersionId: stored.programVersionId, year: 2027 },
      })
    ).id;
    const agency = await db.prisma.agency.findUniqueOrThrow({ where: { code: 'SO-YT' } });
    const obligation = await db.prisma.obligation.create({
      data: {
        cycleId: seeded.cycleId,
        agencyId: agency.id,
        milestoneKey: 'annual-plan',
        dueAt: new Date('2027-01-29T10:00:00Z'),
        status: 'submitted',
      },
    });
    mkdirSync(join(files.root, 'kh'), { recursive: true });
    writeFileSync(join(files.root, 'kh/ke-hoach.pdf'), '%PDF-1.4 kế hoạch');
    const submission = await db.prisma.submission.create({
      data: {
        obligationId: obligation.id,
        receiptNumber: '2027-SO-YT-annual-plan-1',
        submittedAt: new Date('2027-01-20T03:00:00Z'),
        submittedBy: 'Lò Văn Y',
        summary: 'Kế hoạch năm 2027',
      },
    });
    const evidence = {
      fileName: 'ke-hoach.pdf',
      contentType: 'application/pdf',
      sizeBytes: 17,
      sha256: '0'.repeat(64),
      storagePath: 'kh/ke-hoach.pdf',
    };
    attachmentId = (await db.prisma.attachment.create({ data: { submissionId: submission.id, ...evidence } }))
      .id;
    inspectionId = (
      await db.prisma.inspection.create({
        data: {
          cycleId: seeded.cycleId,
          agencyId: agency.id,
          kind: 'kiem_tra',
          visitOn: new Date('2027-05-10T00:00:00Z'),
          status: 'concluded',
          conclusion: 'Cơ bản hoàn thành.',
          workflowId: 'inspection:dien-bien-kh99:2027:SO-YT',
          recommendations: {
            create: [
              {
                number: 1,
                text: 'Bổ sung kế hoạch',
                dueOn: new Date('2027-06-30T00:00:00Z'),
                status: 'reported',
                evidence: [evidence],
              },
            ],
          },
        },
      })
    ).id;

    linkId = (
      await db.prisma.taskLink.create({
        data: {
          workflowId: 'cycle:dien-bien-kh99:2027:SO-YT',
          cycleId: seeded.cycleId,
          agencyCode: 'SO-YT',
          milestone: 'annual-plan',
          recipient: 'ha.tt@soyt.dienbien.example',
          role: 'focal_point',
          kid: 'k1',
          expiresAt: new Date('2027-12-31T00:00:00Z'),
        },
      })
    ).id;
    const add = async (login: string, scope: { programs?: string[]; leads?: string[] }) => {
      await addUser(db, { login, name: login, role: 'coordinator', password: PASSWORD });
      const user = await db.prisma.user.findUniqueOrThrow({ where: { login } });
      await db.prisma.user.update({
        where: { id: user.id },
        data: {
          allPrograms: false,
          scopes: {
            create: [
              ...(scope.programs ?? []).map((code) => ({ kind: 'program' as const, code })),
              ...(scope.leads ?? []).map((code) => ({ kind: 'lead' as const, code })),
            ],
          },
        },
      });
    };
    await add('ngoai', { programs: ['dien-bien-yte'] });
    await add('trong', { leads: ['SO-VHTTDL'] });

    app = buildWebServer({
      db,
      links: TEST_LINKS,
      files,
      dashboard: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
    });
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/quan-ly') && route.method !== 'HEAD') routes.push(route);
    });
    base = await listening(app);
    outsider = new Browser(base);
    await outsider.login('ngoai', PASSWORD);
    insider = new Browser(base);
    await insider.login('trong', PASSWORD);
  });

  afterAll(async () => {
    await app?.close();
    files.remove();
    await database?.drop();
  });

  it('every dashboard route declares its access', () => {
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes)
      expect([route.url, typeof accessOf(route)?.kind]).toEqual([route.url, 'string']);
    expect(routes.filter((r) => accessOf(r).kind === 'program').length).toBeGreaterThanOrEqual(10);
  });

  it("refuses a coordinator of another program every page and action of this program's things", async () => {
    const seen: [string, string, number][] = [];
    for (const route of routes) {
      const access = accessOf(route);
      if (access.kind === 'public') continue;
      const status = await tryRoute(outsider, route);
      seen.push([String(route.method), route.url, status]);
      const expected =
        access.kind === 'program'
          ? 404
          : access.kind === 'allPrograms' || access.kind === 'administrators'
            ? 403
            : undefined;
      if (expected !== undefined)
        expect([route.method, route.url, status]).toEqual([route.method, route.url, expected]);
      else
        expect([route.method, route.url, status < 400 || status === 400]).toEqual([
          route.method,
          route.url,
          true,
        ]);
    }
    expect(seen.length).toBeGreaterThan(10);
  });

  it('lets a coordinator whose scope covers the program (through its lead agency) through every route', async () => {
    for (const route of routes) {
      const access = accessOf(route);
      if (access.kind === 'public' || access.kind === 'administrators' || access.kind === 'allPrograms')
        continue;
      const status = await tryRoute(insider, route);
      // Let through: the route itself answered (a page, a download, a redirect, a refusal of the form's content).
      expect([route.method, route.url, status === 403 || status === 404]).toEqual([
        route.method,
        route.url,
        false,
      ]);
      if (route.method === 'GET') expect([route.url, status]).toEqual([route.url, 200]);
    }
  });

  it('refuses every route but the public ones without a session', async () => {
    const nobody = new Browser(base);
    for (const route of routes) {
      if (accessOf(route).kind === 'public') continue;
      const res =
        route.method === 'GET'
          ? await nobody.fetch(urlOf(route))
          : await nobody.post(urlOf(route), {
              _csrf: Browser.csrfOf(await nobody.html('/quan-ly/dang-nhap')),
            });
      expect([route.url, res.status]).toEqual([route.url, route.method === 'GET' ? 303 : 403]);
    }
  });

  it("lists only the scope's cycles", async () => {
    const outside = await outsider.html('/quan-ly/');
    expect(outside).toContain(`/quan-ly/chu-ky/${otherCycleId}`);
    expect(outside).not.toContain(`/quan-ly/chu-ky/${seeded.cycleId}"`);
    const inside = await insider.html('/quan-ly/');
    expect(inside).toContain(`/quan-ly/chu-ky/${seeded.cycleId}`);
    expect(inside).not.toContain(`/quan-ly/chu-ky/${otherCycleId}"`);
  });

  it('a scope naming the program itself covers it; a scope naming nothing covers nothing', async () => {
    await database.db.prisma.userScope.create({
      data: {
        userId: (await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'ngoai' } })).id,
        kind: 'program',
        code: 'dien-bien-kh99',
      },
    });
    expect((await outsider.fetch(`/quan-ly/chu-ky/${seeded.cycleId}`)).status).toBe(200);
    await database.db.prisma.userScope.deleteMany({ where: { user: { login: 'ngoai' } } });
    expect((await outsider.fetch(`/quan-ly/chu-ky/${seeded.cycleId}`)).status).toBe(404);
    expect((await outsider.fetch(`/quan-ly/chu-ky/${otherCycleId}`)).status).toBe(404);
    expect((await outsider.fetch('/quan-ly/danh-ba')).status).toBe(403);
    await database.db.prisma.userScope.create({
      data: {
        userId: (await database.db.prisma.user.findUniqueOrThrow({ where: { login: 'ngoai' } })).id,
        kind: 'program',
        code: 'dien-bien-yte',
      },
    });
  });
});

describe('the startup check', () => {
  it('refuses to start a dashboard with a route that declares no access', async () => {
    const app = Fastify();
    void app.register(async (dash) => {
      requireAccessDeclarations(dash);
      dash.get('/declared', { config: { access: { kind: 'signedIn' } } }, async () => 'ok');
      dash.get('/forgotten', async () => 'open');
    });
    await expect(app.ready()).rejects.toThrow('dashboard route GET /forgotten declares no access');
    await app.close();
  });
});
